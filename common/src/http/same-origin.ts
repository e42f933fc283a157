import type { Request, RequestHandler } from 'express';
import { ForbiddenError, MisdirectedRequestError } from '../errors/http-errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests that a browser sent on behalf of another site (CSRF, login
 * CSRF). SameSite=Lax cookies already keep the session off cross-site POSTs; this also covers
 * sign-up/sign-in and browsers that ignore SameSite. Browsers say where a request comes from in
 * Sec-Fetch-Site, older ones only in Origin. Requests with neither (servers, curl, Stripe's
 * webhook) carry no ambient browser credentials and pass.
 */
export function refuseCrossSite(allowedOrigins: readonly string[] = []): RequestHandler {
  const allowed = new Set(allowedOrigins.map((o) => o.toLowerCase()));
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get('origin')?.toLowerCase();
    if (origin && allowed.has(origin)) return next();
    const site = req.get('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return next(refused());
    if (origin !== undefined && !isOwnOrigin(req, origin)) return next(refused());
    next();
  };
}

function isOwnOrigin(req: Request, origin: string): boolean {
  try {
    // req.protocol and req.host: the request's own, or X-Forwarded-Proto/-Host from a trusted proxy
    // (the gateway, the ingress). The scheme counts too: http://site is another origin than https://site.
    return new URL(origin).origin === `${req.protocol}://${req.host.toLowerCase()}`;
  } catch {
    return false; // "null" (sandboxed frames, privacy redirects) or garbage
  }
}

/**
 * Refuses requests for a host the site is not served at (421), when the public origins are
 * configured: a forged Host would otherwise be believed wherever the API builds a URL from it.
 */
export function refuseUnknownHost(publicOrigins: readonly string[]): RequestHandler {
  const hosts = new Set(publicOrigins.map((o) => new URL(o).host.toLowerCase()));
  return (req, _res, next) => {
    if (hosts.size === 0 || hosts.has(req.host.toLowerCase())) return next();
    next(new MisdirectedRequestError(`This site is not served at ${req.host}`));
  };
}

const refused = () => new ForbiddenError('Cross-site request refused');
