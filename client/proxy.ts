import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy, STRICT_TRANSPORT_SECURITY } from '@/lib/security-headers';

/** Was this request https, here or at the ingress/gateway in front (which sets X-Forwarded-Proto)? */
function overHttps(request: NextRequest): boolean {
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return request.nextUrl.protocol === 'https:' || forwarded === 'https';
}

/**
 * A fresh nonce and Content-Security-Policy per page request. Next reads the policy from the
 * request to put the nonce on the scripts it renders; the browser enforces the response's copy.
 * (A forged X-Forwarded-Proto only adds HSTS to a plain-http answer, which browsers ignore.)
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const policy = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development');
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', policy);
  if (overHttps(request)) response.headers.set('strict-transport-security', STRICT_TRANSPORT_SECURITY);
  return response;
}

export const config = {
  // Pages only: the API has helmet's headers, and static files run no script.
  matcher: [{ source: '/((?!api/|_next/static|_next/image).*)' }],
};
