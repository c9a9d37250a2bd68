import autocannon from 'autocannon';
import { createHistogram } from 'node:perf_hooks';

export interface LoadSettings {
  connections: number;
  /** Seconds of load; or give `amount`. */
  durationSeconds?: number;
  /** Total requests across connections, instead of a duration. */
  amount?: number;
}

export interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
}

/**
 * Drives one request shape against `origin` with autocannon. Latency comes from each connection's
 * `response` event rather than autocannon's own histogram, which keeps whole milliseconds only and
 * 2xx answers only; at these speeds that would round p50 to 1 or 2 ms.
 */
export async function measure(origin: string, request: autocannon.Request, settings: LoadSettings): Promise<Measurement> {
  const latencyUs = createHistogram();
  const result = await autocannon({
    url: origin,
    connections: settings.connections,
    // autocannon rejects an explicit `duration: undefined`, so only the bound given is passed.
    ...(settings.amount === undefined ? { duration: settings.durationSeconds } : { amount: settings.amount }),
    requests: [request],
    setupClient: (client) => {
      client.on('response', (_status: number, _bytes: number, ms: number) => latencyUs.record(Math.max(1, Math.round(ms * 1000))));
    },
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: latencyUs.percentile(50) / 1000,
    p99Ms: latencyUs.percentile(99) / 1000,
    responses: latencyUs.count,
    non2xx: result.non2xx,
    // autocannon already counts each timeout in `errors`.
    errors: result.errors,
  };
}
