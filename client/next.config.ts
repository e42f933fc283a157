import { resolve } from 'node:path';
import type { NextConfig } from 'next';

const standalone = process.env.NEXT_OUTPUT === 'standalone';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Every response; the per-request Content-Security-Policy (it carries a nonce) and HSTS are
  // set in proxy.ts. (next start loads this file alone: it cannot import the client's modules.)
  headers: async () => [
    {
      source: '/:path*',
      headers: [
        // For browsers that ignore CSP's frame-ancestors: no page of ours is ever framed.
        { key: 'X-Frame-Options', value: 'DENY' },
        { key: 'X-Content-Type-Options', value: 'nosniff' },
        // Other sites learn the origin a visitor came from, never an order's or a ticket's path.
        { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
      ],
    },
  ],
  // `npm run check` type-checks the client with the rest of the repo; skipping it here keeps
  // the build `npm start` runs on a first start quicker.
  typescript: { ignoreBuildErrors: true },
  // NEXT_OUTPUT=standalone at build time also writes .next/standalone, a self-contained server
  // for a container image (`node client/server.js` inside it). Off by default: `next start`,
  // the client's start script, warns when serving a standalone build.
  ...(standalone
    ? {
        output: 'standalone' as const,
        // Dependencies are hoisted to the workspace root; tracing must look there.
        outputFileTracingRoot: resolve(__dirname, '..'),
      }
    : {}),
};

export default config;
