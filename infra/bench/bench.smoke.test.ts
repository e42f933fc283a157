import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BenchResults } from './results';

const ROOT = resolve(__dirname, '../..');

/**
 * CI's smoke run of `npm run bench -- --quick`: the benchmark runs end to end on both runtimes, and
 * what must hold whatever the timings holds. No timing is asserted: figures come from the full run.
 */
describe('npm run bench -- --quick', () => {
  let results: BenchResults;
  let exitCode: number | null;
  let output = '';

  beforeAll(async () => {
    exitCode = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'infra/bench/bench.ts', '--quick'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('exit', done);
    });
    results = JSON.parse(await readFile(join(ROOT, 'test-output/bench/results.json'), 'utf8')) as BenchResults;
  }, 600_000);

  it('runs to the end and prints its table', () => {
    expect({ exitCode, tail: output.slice(-3000) }).toMatchObject({ exitCode: 0 });
    expect(output).toContain('| 3. Order placement, start:services |');
    expect(new Date(results.date).getTime()).toBeGreaterThan(Date.now() - 600_000);
  });

  it.each(['services', 'embedded'] as const)('on %s, of 1,000 buyers for one ticket exactly one gets it, every other gets 409, none a 5xx', (runtime) => {
    const hot = results[runtime].hotTicket;
    expect(hot).toMatchObject({ buyers: 1000, winners: 1, refused: 999, serverErrors: 0, unanswered: 0 });
  });

  it('refuses no order for a free ticket, and every lock it took ends', () => {
    for (const p of [results.services.placement, results.embedded.placement]) {
      expect(p.byStatus).toEqual({ '201': p.requests });
    }
    expect(results.services.expiry.stillLocked).toBe(0);
    expect(results.services.expiry.samples).toBeGreaterThan(0);
  });
});
