import { PROCESS_NAMES, type ProcessName } from './topology';

export type ReplicaCounts = Record<ProcessName, number>;

const MAX_REPLICAS = 8;

/**
 * Reads `--replicas orders=2,tickets=2` (or `--replicas=…`) from the command line; every process
 * not named runs once. Unknown names and counts outside 1–8 are errors, not silently ignored.
 */
export function parseReplicas(argv: readonly string[]): ReplicaCounts {
  const counts = Object.fromEntries(PROCESS_NAMES.map((n) => [n, 1])) as ReplicaCounts;
  const specs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--replicas') {
      const value = argv[++i];
      if (value === undefined) throw new Error('--replicas needs a value, e.g. --replicas orders=2,tickets=2');
      specs.push(value);
    } else if (arg.startsWith('--replicas=')) specs.push(arg.slice('--replicas='.length));
    else throw new Error(`unknown argument "${arg}" (usage: start:services [--replicas orders=2,tickets=2])`);
  }
  for (const item of specs.flatMap((s) => s.split(',')).filter(Boolean)) {
    const m = /^([a-z]+)=(\d+)$/.exec(item.trim());
    const name = m?.[1] as ProcessName | undefined;
    if (!m || !name || !PROCESS_NAMES.includes(name)) {
      throw new Error(`bad replica count "${item}": expected <service>=<n>, service one of ${PROCESS_NAMES.join(', ')}`);
    }
    const n = Number(m[2]);
    if (n < 1 || n > MAX_REPLICAS) throw new Error(`replicas of ${name} must be 1–${MAX_REPLICAS}, got ${n}`);
    counts[name] = n;
  }
  return counts;
}
