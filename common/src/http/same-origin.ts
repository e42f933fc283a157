import type { Request, RequestHandler } from 'express';
import { ForbiddenError } from '../errors/http-errors';

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
    // req.host: the Host header, or X-Forwarded-Host from a trusted proxy (the gateway, the ingress).
    return new URL(origin).host === req.host.toLowerCase();
  } catch {
    return false; // "null" (sandboxed frames, privacy redirects) or garbage
  }
}

const refused = () => new ForbiddenError('Cross-site request refused');
