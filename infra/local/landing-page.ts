import type { RequestHandler } from 'express';

// Stands at / until the Next.js client is mounted there.
export const landingPage: RequestHandler = (_req, res) => {
  res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ticketyboo</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Ticketyboo</h1>
<p>The marketplace API is running. Try <a href="/api/users/currentuser">/api/users/currentuser</a>.</p>
</body></html>`);
};
