import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process: in `npm start` every service reports into it, labelled by service. */
export const metrics = new Registry();
collectDefaultMetrics({ register: metrics });

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metrics],
});

export const eventsPublished = new Counter({
  name: 'events_published_total',
  help: 'Events the outbox relay published',
  labelNames: ['subject'] as const,
  registers: [metrics],
});

export const outboxLag = new Histogram({
  name: 'outbox_lag_seconds',
  help: 'Time from an event being committed to the outbox to its publication',
  labelNames: ['subject'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metrics],
});

export const eventsConsumed = new Counter({
  name: 'events_consumed_total',
  help: 'Events a consumer handled and acknowledged',
  labelNames: ['consumer', 'subject'] as const,
  registers: [metrics],
});

export const eventsDeadLettered = new Counter({
  name: 'events_dead_lettered_total',
  help: 'Events given up on: failed their schema, or their handler kept failing',
  labelNames: ['consumer', 'subject'] as const,
  registers: [metrics],
});

/** A gauge whose value is read when Prometheus scrapes, e.g. from a database. */
export function gaugeFromCollector(name: string, help: string, read: () => Promise<number>): Gauge {
  const existing = metrics.getSingleMetric(name);
  if (existing) metrics.removeSingleMetric(name);
  return new Gauge({
    name,
    help,
    registers: [metrics],
    async collect() {
      this.set(await read());
    },
  });
}

export const expirationLateness = new Histogram({
  name: 'expiration_lateness_seconds',
  help: 'How long after its expiresAt a lock was expired (the count is the expirations fired)',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 60],
  registers: [metrics],
});
