import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import helmet from 'helmet';
import { errorHandler, notFoundHandler } from '../errors/error-handler';
import type { Logger } from '../log';
import type { SessionTokens } from '../session/session';
import { runInContext } from '../observability/context';
import { httpDuration } from '../observability/metrics';
import type { TrustProxy } from '../runtime/config';
import { refuseCrossSite, refuseUnknownHost } from './same-origin';
import { currentUser, type RevocationCheck } from './session-middleware';

export interface Mount {
  /** The ingress prefix, e.g. `/api/users`. */
  prefix: string;
  router: Router;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

/**
 * A read that went as expected: the client polls orders, tickets and the current user every
 * second, and probes ask for /readyz, so these would drown the log at info. A 404 is expected
 * while a just-created entity reaches a service's copy; other failures are worth a line.
 */
function isQuiet(method: string, status: number): boolean {
  return (method === 'GET' || method === 'HEAD') && (status < 400 || status === 404);
}

/**
 * The HTTP shell every service shares, whether it runs alone or mounted beside the others in
 * one process: request ids, security headers, a cross-site guard, a 100 kB JSON body limit, the
 * current user, JSON errors. No /metrics here: that is serveMetrics, on a port of its own.
 */
export function createHttpApp(opts: {
  log: Logger;
  tokens: SessionTokens;
  /** Sessions signed out: see sessionRevocations. */
  isRevoked: RevocationCheck;
  mounts: Mount[];
  /**
   * The proxy hops whose X-Forwarded-* headers count (client IP, https): none by default, since a
   * client reaching the service directly could name any IP and escape the per-IP limits.
   */
  trustProxy?: TrustProxy;
  /** Other sites' origins allowed to send state-changing requests. */
  allowedOrigins?: readonly string[];
  /** The origins the site is served at; when given, an API request for any other Host is refused. */
  publicOrigins?: readonly string[];
  /** A request slower than this is logged at info even when it is a quiet read. */
  slowRequestMs?: number;
}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? false);
  const slowMs = opts.slowRequestMs ?? 1000;
  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    req.id = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.set('x-request-id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The route pattern, not the path, so ids do not become label values. The mount's prefix
      // is the one recorded on the way in: an error leaving the router has reset req.baseUrl.
      const prefix = (res.locals.mountPrefix as string | undefined) ?? req.baseUrl;
      const route = req.route ? `${prefix}${String((req.route as { path: unknown }).path)}` : 'unmatched';
      httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const ms = Math.round(seconds * 1000);
      const level = isQuiet(req.method, res.statusCode) && ms <= slowMs ? 'debug' : 'info';
      opts.log[level]({ requestId: req.id, method: req.method, url: req.originalUrl, status: res.statusCode, ms }, 'request');
    });
    runInContext({ requestId: req.id }, next);
  });
  // Only the API: the client's pages set their own headers (Next.js needs its own CSP).
  app.use('/api', helmet(), (_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  app.use('/api', refuseUnknownHost(opts.publicOrigins ?? []), refuseCrossSite(opts.allowedOrigins));
  app.use(
    express.json({
      limit: '100kb',
      // Kept for signature checks (payment webhooks sign the exact bytes, not the parsed JSON).
      verify: (req, _res, buf) => {
        (req as express.Request).rawBody = buf;
      },
    }),
  );
  app.use(currentUser(opts.tokens, opts.isRevoked));
  for (const m of opts.mounts) {
    app.use(m.prefix, (req, res, next) => {
      res.locals.mountPrefix = req.baseUrl;
      next();
    }, m.router);
  }
  app.use('/api', notFoundHandler);
  app.use(errorHandler(opts.log));
  return app;
}
