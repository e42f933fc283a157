import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load-spec';

/**
 * The load generator: autocannon in a process of its own, so that its CPU is not the measured
 * process's. Reads a LoadSpec on stdin, prints a LoadResult on stdout.
 */
async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const spec = JSON.parse(input) as LoadSpec;
  const cookies = spec.cookies ?? [];
  const bodies = spec.bodies;
  let nextCookie = 0;
  let nextBody = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.duration ?? 10 }),
    timeout: 30,
    requests: [
      {
        method: spec.method ?? 'GET',
        setupRequest: (req, context) => {
          if (context.cookie === undefined && cookies.length > 0) context.cookie = cookies[nextCookie++ % cookies.length];
          const headers: Record<string, string> = { ...req.headers };
          if (typeof context.cookie === 'string') headers.cookie = context.cookie;
          if (!bodies) return { ...req, headers };
          headers['content-type'] = 'application/json';
          return { ...req, headers, body: bodies[nextBody++ % bodies.length] };
        },
      },
    ],
  });
  const wallMs = result.finish.getTime() - result.start.getTime();
  const byStatus = Object.fromEntries(Object.entries(result.statusCodeStats).map(([s, v]) => [s, Number(v.count)]));
  const answered = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const out: LoadResult = {
    requests: answered,
    wallMs,
    requestsPerSecond: answered / (wallMs / 1000),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    byStatus,
    errors: result.errors + result.timeouts,
  };
  process.stdout.write(JSON.stringify(out));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
