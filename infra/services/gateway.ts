import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '@ticketyboo/common';

/** A path prefix and the pool it goes to, as in the ingress (pathType Prefix). */
export interface Route {
  prefix: string;
  upstream: string;
}

/** One process that can take a request. */
export interface Target {
  label: string;
  port: number;
}

export interface GatewayOptions {
  routes: readonly Route[];
  /** The ready processes of an upstream now; the gateway spreads requests over them in turn. */
  targets(upstream: string): readonly Target[];
  /** Answers `/` when no route's pool has a process (the client is not built). */
  fallback: RequestHandler;
  log: Logger;
}

// The services accept 100 kB of JSON; this only stops a runaway upload from filling memory.
const MAX_BODY_BYTES = 1024 * 1024;
// How long a refused upload may go on being discarded (nginx's lingering_time is 30 s).
const LINGER_MS = 30_000;
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The route an ingress-nginx Prefix rule would pick: the longest prefix matching whole path segments. */
export function routeFor(routes: readonly Route[], path: string): Route | undefined {
  let best: Route | undefined;
  for (const r of routes) {
    const matches = r.prefix === '/' || path === r.prefix || path.startsWith(`${r.prefix}/`);
    if (matches && (!best || r.prefix.length > best.prefix.length)) best = r;
  }
  return best;
}

/**
 * The local stand-in for the ingress: routes by path prefix, round-robin over an upstream's
 * ready processes. The request body is read first (it is small), so a request refused at connect
 * (a replica that just died) is sent to the next replica: nothing of it reached the first one.
 */
export function createGateway(opts: GatewayOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const turn = new Map<string, number>();
  app.use(async (req, res, next) => {
    const route = routeFor(opts.routes, req.path);
    const pool = route ? opts.targets(route.upstream) : [];
    if (!route || pool.length === 0) {
      if (route?.prefix === '/') return next();
      return void sendError(res, 503, 'Service unavailable');
    }
    const body = await readBody(req);
    if (body === undefined) return refuseTooLarge(req, res);
    const start = turn.get(route.upstream) ?? 0;
    turn.set(route.upstream, start + 1);
    for (let i = 0; i < pool.length; i++) {
      const target = pool[(start + i) % pool.length]!;
      const outcome = await forward(req, body, res, target);
      if (outcome === 'done') return;
      if (outcome === 'failed') return void sendError(res, 502, 'Bad gateway');
      opts.log.warn({ upstream: target.label }, 'connection refused; trying the next replica');
    }
    sendError(res, 502, 'Bad gateway');
  });
  app.get('/', opts.fallback);
  app.use((_req, res) => sendError(res, 404, 'Not found'));
  return app;
}

/**
 * Resolves with the body, or undefined as soon as it is over the limit (at once when its
 * Content-Length says so). The request is never destroyed here: see refuseTooLarge.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off('data', onData);
      resolve(undefined);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/**
 * 413 as ingress-nginx gives it, with its lingering close: the rest of the upload is read and
 * discarded first, and the answer sent once it is in. Hanging up on a client still sending resets
 * the connection, and the reset wipes the answer before the client reads it; answering first does
 * not help either, as Node stops reading a request once its response is sent.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  const answer = () => {
    clearTimeout(cut);
    sendError(res, 413, 'Request body too large');
  };
  // A client that never stops sending is answered, and cut off, after a while.
  const cut = setTimeout(() => {
    res.once('finish', () => req.socket.destroy());
    res.setHeader('connection', 'close');
    answer();
  }, LINGER_MS).unref();
  if (req.readableEnded) return answer();
  req.once('end', answer);
  req.resume();
}

/** 'refused': nothing reached the target, another may take it; 'failed': it broke midway. */
function forward(req: express.Request, body: Buffer, res: ServerResponse, target: Target): Promise<'done' | 'refused' | 'failed'> {
  return new Promise((resolve) => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.originalUrl, headers: forwardedHeaders(req, body) },
      (up: IncomingMessage) => {
        // Which replica answered: local only (the ingress does not say), for debugging and tests.
        res.writeHead(up.statusCode ?? 502, { ...withoutHopByHop(up.headers), 'x-served-by': target.label });
        up.pipe(res);
        up.once('end', () => resolve('done'));
        up.once('error', () => resolve('done'));
      },
    );
    upstream.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : 'failed'));
    upstream.end(body);
  });
}

/**
 * What ingress-nginx sets (by default, `use-forwarded-headers: false`): who asked, over what, for
 * which host. The gateway is the edge: a client's own X-Forwarded-For is replaced, never passed on,
 * or it could name any IP to the services (which trust this one hop) and escape per-IP limits.
 */
function forwardedHeaders(req: express.Request, body: Buffer): IncomingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  const client = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = client;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-real-ip'] = client;
  headers['content-length'] = String(body.length);
  return headers;
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message }] }));
}
