import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

export interface RunningProcess {
  child: ChildProcess;
  /** http://localhost:<port>, from the line the process logs once it listens. */
  base: string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs a TypeScript entry point (relative to the repo root) as its own process, on a free port. */
export function spawnEntry(entry: string, env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  const child = spawn(TSX, [entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /(http:\/\/localhost:\d+)/.exec(line);
      if (!m) return;
      resolvePromise({
        child,
        base: m[1]!,
        stop: () =>
          new Promise((res) => {
            child.removeAllListeners('exit');
            child.on('exit', (code) => res(code));
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
