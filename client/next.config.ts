import { resolve } from 'node:path';
import type { NextConfig } from 'next';

const standalone = process.env.NEXT_OUTPUT === 'standalone';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
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
