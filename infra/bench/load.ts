import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cpuBetween, cpuSnapshot } from './cpu';
import type { LoadResult, LoadSpec } from './load-spec';

/** Runs one load in the load generator process and returns what it measured. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const before = cpuSnapshot();
  return new Promise<LoadResult>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'load-worker.ts')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      try {
        resolve({ ...(JSON.parse(out) as LoadResult), cpu: cpuBetween(before, cpuSnapshot()) });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    child.stdin.end(JSON.stringify(spec));
  });
}
