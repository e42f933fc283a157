/** One load run, as the orchestrator hands it to the load generator process. */
export interface LoadSpec {
  /** Several: the connections are spread over them. */
  url: string | string[];
  method?: 'GET' | 'POST';
  connections: number;
  /** Stop after this many requests… */
  amount?: number;
  /** …or after this many seconds. */
  duration?: number;
  /** Each connection is one client: it sends the cookie it was given (round robin) on every request. */
  cookies?: string[];
  /** Request i sends bodies[i]; with `amount` equal to their number, each is sent once. */
  bodies?: string[];
}

export interface LoadResult {
  requests: number;
  wallMs: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  byStatus: Record<string, number>;
  /** Connection errors and timeouts: requests that got no answer at all. */
  errors: number;
  /** CPU seconds each kind of process used during the run. */
  cpu?: Record<string, number>;
}

export const count5xx = (r: LoadResult): number =>
  Object.entries(r.byStatus).reduce((n, [status, c]) => (Number(status) >= 500 ? n + c : n), 0);
