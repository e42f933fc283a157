import type { RequestHandler } from 'express';

// Stands at / when start:services runs without a client build.
export const landingPage: RequestHandler = (_req, res) => {
  res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ticketyboo</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Ticketyboo</h1>
<p>The marketplace API is running, but the web client is not built. Build it with
<code>npm run build -w @ticketyboo/client</code> and start again, or try
<a href="/api/users/currentuser">/api/users/currentuser</a>.</p>
</body></html>`);
};
