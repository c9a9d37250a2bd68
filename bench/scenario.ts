import type autocannon from 'autocannon';

/** One request shape against one app under test. */
export interface Scenario {
  /** `<app id>/<name>`, e.g. `sample-sqlite-1000/profile`; targets and --only refer to it. */
  id: string;
  /** The app process, as the report names it. */
  app: string;
  /** What is measured, e.g. `guarded GET /profile`. */
  label: string;
  origin: string;
  /** The server process, whose CPU time per request the report shows beside requests/s. */
  serverPid: number;
  request: autocannon.Request;
  /** The unguarded scenario this one's ratio is taken against: the same app's, where it has one. */
  baselineId: string;
}

export const scenarioId = (appId: string, name: string): string => `${appId}/${name}`;
