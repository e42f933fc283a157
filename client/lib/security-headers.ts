/** The pages' per-request security headers, set in proxy.ts (the fixed ones are in next.config.ts). */

/** HSTS as helmet sends it on the API; only meaningful (and only sent) over https. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/**
 * The pages' policy. Scripts run only from this origin or with this request's nonce (Next puts
 * it on its own inline scripts); 'strict-dynamic' lets those load the chunks they need. Styles
 * allow inline attributes, which the price chart sets. No upgrade-insecure-requests: the
 * marketplace is also served over plain http at names other than localhost.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
