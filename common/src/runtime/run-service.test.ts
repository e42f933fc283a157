import { connect, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { spawnOnServers, type RunningProcess } from '../testing';

/** Resolves with everything the socket sent until `until` matches it. */
function readUntil(socket: Socket, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString();
      if (!until.test(got)) return;
      socket.off('data', onData);
      resolve(got);
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

function logLine(p: RunningProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    createInterface({ input: p.child.stdout! }).on('line', (line) => pattern.test(line) && resolve());
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('a service process (runService): health, readiness and graceful shutdown', () => {
  it('serves /healthz and /readyz, finishes a request in flight on SIGTERM, and exits 0 within 10 s', async () => {
    const metricsPort = await freePort();
    const running = await spawnOnServers('auth/src/main.ts', { METRICS_PORT: String(metricsPort) });
    const auth = running.process;
    try {
      // Metrics on their own port, which the gateway and the ingress do not route; none on the app's.
      expect((await fetch(`${auth.base}/metrics`)).status).toBe(404);
      await fetch(`${auth.base}/api/users/currentuser`);
      const metricsText = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metricsText).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/users\/currentuser",status="200"\} 1/);

      expect(await (await fetch(`${auth.base}/healthz`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${auth.base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { started: 'ok', database: 'ok', bus: 'ok' } });

      // A signup whose headers the server has read (it answered 100 Continue) but whose body is still to come.
      const body = JSON.stringify({ email: 'inflight@example.com', password: 'a long password' });
      const socket = connect(Number(new URL(auth.base).port), '127.0.0.1');
      socket.write(
        `POST /api/users/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
      );
      await readUntil(socket, /100 Continue\r\n\r\n/);
      const shuttingDown = logLine(auth, /SIGTERM: shutting down/);
      const signalledAt = Date.now();
      const exited = auth.stop();
      await shuttingDown;

      const response = readUntil(socket, /\r\n\r\n\{.*\}$/s);
      socket.write(body);
      const raw = await response;
      expect(raw).toMatch(/^HTTP\/1\.1 201 Created/m);
      expect(raw).toMatch(/^connection: close/im);
      expect(raw).toContain('"email":"inflight@example.com"');
      socket.destroy();

      expect(await exited).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      // New connections are refused once it stopped listening.
      await expect(fetch(`${auth.base}/healthz`)).rejects.toThrow();
      expect((await running.pg.value.query('SELECT email FROM users')).rows).toEqual([{ email: 'inflight@example.com' }]);
    } finally {
      await running.dispose();
    }
  }, 60_000);
});
