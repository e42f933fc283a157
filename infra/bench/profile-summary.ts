import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * `node --import tsx infra/bench/profile-summary.ts [dir] [--phase "4."]`: for each .cpuprofile
 * (written by `npm run bench -- --profile`), where the CPU went: by package or project directory,
 * and the functions with the most self time; with --phase, only during the phase whose log line
 * starts so. The text form of a flame graph, enough to pick what to fix.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const SERVICES = ['auth', 'tickets', 'orders', 'expiration', 'payments'];

function bucketOf(url: string, fn: string): string {
  if (!url) return fn === '(garbage collector)' || fn === '(idle)' || fn === '(program)' ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.split('/')[0]!;
  const own = /\/(common|auth|tickets|orders|expiration|payments|infra)\/src\//.exec(url) ?? /\/(infra)\//.exec(url);
  return own ? `ticketyboo/${own[1]}` : url;
}

type Window = [number, number];

async function summarize(file: string, window: Window | undefined): Promise<void> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (window && (at < window[0] || at >= window[1])) continue;
    selfMs.set(samples[i]!, (selfMs.get(samples[i]!) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const service = SERVICES.find((s) => profile.nodes.some((n) => n.callFrame.url.includes(`/${s}/src/${s}-service`))) ?? '?';
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const bucket = bucketOf(url, functionName);
    if (bucket === '(idle)') continue;
    busy += ms;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + ms);
    const name = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(\w+\/src\/)/, '$1')}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  if (busy < 100) return;
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${((100 * v) / busy).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  console.log(`\n== ${service}: ${Math.round(busy)} ms on CPU of ${Math.round((profile.endTime - profile.startTime) / 1000)} ms (${file.split('/').pop()})`);
  console.log(top(buckets, 12));
  console.log(' top functions by self time:');
  console.log(top(functions, Number(process.env.TOP ?? 15)));
}

async function phaseWindow(dir: string, prefix: string): Promise<Window> {
  const marks = JSON.parse(await readFile(join(dir, 'phases.json'), 'utf8')) as { label: string; atMicros: number }[];
  const i = marks.findIndex((m) => m.label.startsWith(prefix));
  if (i < 0) throw new Error(`no phase starts with "${prefix}": ${marks.map((m) => m.label).join(' | ')}`);
  return [marks[i]!.atMicros, marks[i + 1]?.atMicros ?? Infinity];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const p = args.indexOf('--phase');
  const prefix = p >= 0 ? args.splice(p, 2)[1] : undefined;
  const dir = args[0] ?? 'test-output/bench/profiles';
  const window = prefix === undefined ? undefined : await phaseWindow(dir, prefix);
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort()) await summarize(join(dir, f), window);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
