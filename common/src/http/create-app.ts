import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import helmet from 'helmet';
import { errorHandler, notFoundHandler } from '../errors/error-handler';
import type { Logger } from '../log';
import type { SessionTokens } from '../session/session';
import { runInContext } from '../observability/context';
import { httpDuration } from '../observability/metrics';
import { allowedOriginsFromEnv, refuseCrossSite } from './same-origin';
import { currentUser, type RevocationCheck } from './session-middleware';

export interface Mount {
  /** The ingress prefix, e.g. `/api/users`. */
  prefix: string;
  router: Router;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

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
}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind an ingress or the local gateway: trust proxies on private networks for req.secure.
  app.set('trust proxy', process.env.TRUST_PROXY ?? 'loopback, linklocal, uniquelocal');
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
      opts.log.info({ requestId: req.id, method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    runInContext({ requestId: req.id }, next);
  });
  // Only the API: the client's pages set their own headers (Next.js needs its own CSP).
  app.use('/api', helmet(), (_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  app.use('/api', refuseCrossSite(allowedOriginsFromEnv(process.env)));
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
