import type { Server } from 'node:http';
import express from 'express';
import { listen } from '../runtime/http-server';
import { metrics } from './metrics';

/** Prometheus' conventional port for a Node exporter; a pod's scrape annotation names it. */
export const DEFAULT_METRICS_PORT = 9464;

/**
 * /metrics on a port of its own, which neither the gateway nor the ingress routes: the counts
 * it gives (sign-ups, orders and payments by status) are for the operator, not the public.
 */
export function serveMetrics(port: number): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', metrics.contentType).send(await metrics.metrics());
  });
  return listen(app, port);
}
