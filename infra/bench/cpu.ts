import { readdirSync, readFileSync } from 'node:fs';

/** CPU time per process (Linux /proc), to see which process a phase's work went to. */
export type CpuSnapshot = Map<number, { label: string; seconds: number }>;

const CLOCK_TICKS_PER_SECOND = 100;

const LABELS: [RegExp, string][] = [
  [/auth\/src\/main/, 'auth'],
  [/tickets\/src\/main/, 'tickets'],
  [/orders\/src\/main/, 'orders'],
  [/expiration\/src\/main/, 'expiration'],
  [/payments\/src\/main/, 'payments'],
  [/start-services/, 'launcher'],
  [/standalone/, 'npm start'],
  [/load-worker/, 'load generator'],
  [/floor-server/, 'floor'],
  [/bench\.ts/, 'bench'],
  [/next/, 'client'],
  [/^postgres|\/bin\/postgres /, 'postgres'],
  [/nats-server/, 'nats'],
  [/redis-server/, 'redis'],
];

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const out: CpuSnapshot = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    const cmdline = read(`/proc/${entry}/cmdline`)?.replace(/\0/g, ' ') ?? '';
    if (!stat) continue;
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const label = LABELS.find(([re]) => re.test(cmdline))?.[1];
    if (label) out.set(Number(entry), { label, seconds: ticks / CLOCK_TICKS_PER_SECOND });
  }
  return out;
}

/** Seconds of CPU each kind of process used between two snapshots, busiest first. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const used = new Map<string, number>();
  for (const [pid, { label, seconds }] of after) {
    const delta = seconds - (before.get(pid)?.seconds ?? 0);
    if (delta > 0) used.set(label, (used.get(label) ?? 0) + delta);
  }
  return Object.fromEntries([...used].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v * 100) / 100]));
}
