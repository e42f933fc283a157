import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { browserSuite, screenshot } from './browser';
import { PASSWORD, signUp, uniqueEmail } from './journeys';

/** A session cookie for a new account, from the API as any client would get one. */
async function sessionCookie(base: string): Promise<string> {
  const res = await fetch(`${base}/api/users/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: uniqueEmail('http'), password: PASSWORD }),
  });
  expect(res.status).toBe(201);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** Another site on its own port (the same site to a browser, so the session cookie rides along): a page that frames one of ours. */
function framingSite(target: string): Promise<Server> {
  const html = `<!doctype html><title>Win a prize</title><h1>Click the button!</h1><iframe src="${target}" width="900" height="700"></iframe>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  return new Promise((resolve) => server.listen(0, () => resolve(server)));
}

describe('the web client against outside attacks', () => {
  let cookie: string;
  const market = browserSuite({}, async (base) => {
    cookie = await sessionCookie(base);
  });
  const open = () => market.open();
  const page = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${market.base}${path}`, { redirect: 'manual', headers: { cookie, ...headers } });

  describe('?next= after signing in', () => {
    // Browsers drop tabs and newlines in a URL: `/\t/evil.example` is `//evil.example`, another site.
    it.each(['/%09/evil.example/phish', '/%0a/evil.example', '//evil.example', '/%5C/evil.example', 'https://evil.example', '/a/../..//evil.example'])(
      'a signed-in visitor sent to /signin?next=%s stays on this site',
      async (next) => {
        const res = await page(`/signin?next=${next}`);
        expect(res.status).toBe(307);
        expect(res.headers.get('location')).toBe('/');
      },
    );

    it('keeps a path on this site', async () => {
      const res = await page(`/signup?next=${encodeURIComponent('/listings?cursor=abc')}`);
      expect(res.status).toBe(307);
      expect(res.headers.get('location')).toBe('/listings?cursor=abc');
    });

    it('is no error page for a newline, signed out either', async () => {
      const res = await fetch(`${market.base}/signin?next=/%0a/x`);
      expect(res.status).toBe(200);
    });

    it('Chromium, signed in, lands on this site', async () => {
      const v = await open();
      await signUp(v.page, uniqueEmail('redirected'));
      await v.page.goto('/signin?next=/%09/evil.example/phish');
      expect(new URL(v.page.url()).origin).toBe(market.base);
      await v.page.getByRole('heading', { name: 'Tickets for sale' }).waitFor();
    }, 60_000);

    it.each(['signin', 'signup'] as const)('the %s form sends the visitor to this site after submitting', async (form) => {
      const v = await open();
      const email = uniqueEmail(form);
      if (form === 'signin') await sessionFor(email);
      await v.page.goto(`/${form}?next=/%09/evil.example/phish`);
      await v.page.getByLabel('Email', { exact: true }).fill(email);
      await v.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await v.page.getByRole('button', { name: form === 'signin' ? 'Sign in' : 'Sign up' }).click();
      await v.page.getByRole('navigation', { name: 'Account' }).getByText(email).waitFor();
      expect(new URL(v.page.url())).toMatchObject({ origin: market.base, pathname: '/' });
    }, 60_000);

    const sessionFor = async (email: string) => {
      const res = await fetch(`${market.base}/api/users/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      expect(res.status).toBe(201);
    };
  });

  describe('security headers on pages', () => {
    it.each(['/', '/signin', '/sell', '/listings', '/no-such-page'])('%s may not be framed, sniffed or leak its path', async (path) => {
      const res = await page(path);
      expect(res.status).toBeLessThan(500);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(csp).toContain("object-src 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      // Plain http here: HSTS would be ignored, and is not sent.
      expect(res.headers.get('strict-transport-security')).toBeNull();
    });

    it('a fresh nonce per page, put on the scripts Next renders', async () => {
      const [a, b] = await Promise.all([page('/'), page('/')]);
      const nonceOf = (r: Response) => /'nonce-([^']+)'/.exec(r.headers.get('content-security-policy') ?? '')?.[1];
      expect(nonceOf(a)).toBeDefined();
      expect(nonceOf(a)).not.toBe(nonceOf(b));
      expect(await a.text()).toContain(`nonce="${nonceOf(a)}"`);
    });

    it('sends HSTS when the request came over https (X-Forwarded-Proto from the ingress)', async () => {
      const res = await page('/', { 'x-forwarded-proto': 'https' });
      expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    });

    it('a page on another port cannot frame a signed-in page', async () => {
      const v = await open();
      await signUp(v.page, uniqueEmail('framed'));
      const site = await framingSite(`${market.base}/sell`);
      try {
        const attacker = await v.context.newPage();
        // The refusal is logged on the attacker's page, which is not one of ours.
        await attacker.goto(`http://localhost:${(site.address() as AddressInfo).port}/`);
        await attacker.getByRole('heading', { name: 'Click the button!' }).waitFor();
        const frame = attacker.frames().find((f) => f !== attacker.mainFrame());
        expect(frame).toBeDefined();
        expect(await frame!.getByRole('button', { name: 'List ticket' }).count()).toBe(0);
        expect(frame!.url()).not.toBe(`${market.base}/sell`);
        await screenshot(attacker, '20-framing-refused');
      } finally {
        await new Promise((r) => site.close(r));
      }
    }, 60_000);
  });
});
