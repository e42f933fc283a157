import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import type { Logger } from '@ticketyboo/common';
import type { NextServer, NextServerOptions } from 'next/dist/server/next';
import { CLIENT_DIR, ensureClientBuilt } from './client-build';

/** The client's own Next.js, the one its build was made with; loaded only once it is needed. */
function loadNext(): (options: NextServerOptions) => NextServer {
  return createRequire(join(CLIENT_DIR, 'package.json'))('next') as (options: NextServerOptions) => NextServer;
}

const waitingPage = (what: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ticketyboo is starting</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="3"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Ticketyboo</h1><p>${what}</p></body></html>`;

const BUILDING = waitingPage(
  'The web client is being built (first start, or its code changed). This page reloads itself until it is ready; the API under /api is up already.',
);
const FAILED = waitingPage('The web client failed to start; the reason is in the terminal running <code>npm start</code>.');

/**
 * The Next.js client inside `npm start`'s Express app, mounted after the APIs. At start it is
 * built if its build is missing or stale (meanwhile a page says so; the API is up already);
 * Next itself is loaded on the first page request, so a process that only serves the API (as
 * in the API tests) never pays for it.
 */
export class WebClient {
  private state: 'building' | 'built' | 'failed' = 'building';
  private handle: RequestHandler | undefined;
  private preparing: Promise<RequestHandler> | undefined;
  private next: NextServer | undefined;
  private building: Promise<void> | undefined;
  private port = 0;
  private readonly abort = new AbortController();

  constructor(private readonly log: Logger) {}

  readonly handler: RequestHandler = (req, res, next) => {
    if (this.handle) return this.handle(req, res, next);
    if (this.state !== 'built') {
      res.status(503).set('Retry-After', '3').type('html').send(this.state === 'failed' ? FAILED : BUILDING);
      return;
    }
    this.preparing ??= this.prepare();
    this.preparing.then((handle) => handle(req, res, next), next);
  };

  /**
   * Builds the client if needed, in the background: the server is listening on `port` already.
   * Resolves with whether the client is ready to serve (false if it failed or was stopped).
   */
  start(port: number): Promise<boolean> {
    this.port = port;
    // Server-side rendering calls the API in this very process, unless told otherwise.
    process.env.API_BASE_URL ??= `http://127.0.0.1:${port}`;
    process.env.NEXT_TELEMETRY_DISABLED ??= '1';
    const building = ensureClientBuilt(this.log, this.abort.signal).then(
      () => {
        this.state = 'built';
        return true;
      },
      (err: unknown) => {
        if (this.abort.signal.aborted) return false;
        this.state = 'failed';
        this.log.error({ err }, 'the web client failed to build');
        return false;
      },
    );
    this.building = building.then(() => undefined);
    return building;
  }

  private async prepare(): Promise<RequestHandler> {
    // Next sets process.env.NODE_ENV=production here; the services read the copy of the
    // environment made at startup, so they do not see it.
    const app = loadNext()({ dev: false, dir: CLIENT_DIR, port: this.port, hostname: 'localhost' });
    this.next = app;
    try {
      await app.prepare();
    } catch (err) {
      this.state = 'failed';
      this.log.error({ err }, 'the web client failed to start');
      throw err;
    }
    const handle = app.getRequestHandler();
    this.handle = (req, res, next) => void handle(req, res).catch(next);
    return this.handle;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.building;
    await this.preparing?.catch(() => undefined);
    await this.next?.close();
  }
}
