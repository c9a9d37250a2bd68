import type autocannon from 'autocannon';

// Well-formed but unknown, so an empty pool shows up as 400s (errors) rather than stopping the run.
const NO_CHAIN_LEFT = 'bench-no-device-chain-left';

/**
 * Devices refreshed in chains: each request takes the current permanent token of an idle chain, and
 * the answer's rotated token puts the chain back. A chain is in one request at a time, so rotation
 * never races; a chain whose request failed, or was in flight when a run stopped, is dropped.
 */
export class RefreshChains {
  private readonly idle: string[];

  constructor(tokens: readonly string[]) {
    this.idle = [...tokens];
  }

  get idleChains(): number {
    return this.idle.length;
  }

  request(path: string): autocannon.Request {
    return {
      method: 'POST',
      path,
      setupRequest: (request) => ({
        ...request,
        headers: { ...request.headers, 'permanent-token': this.idle.shift() ?? NO_CHAIN_LEFT },
      }),
      onResponse: (status, body) => {
        if (status !== 200) return;
        const next = (JSON.parse(body) as { permanent_token?: unknown }).permanent_token;
        if (typeof next === 'string') this.idle.push(next);
      },
    };
  }
}
