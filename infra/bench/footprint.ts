import { readdirSync, readFileSync } from 'node:fs';

/** Memory of a tree of processes (Linux /proc), in MB. */
export interface Footprint {
  /** The sum of every process's resident set: shared pages (PostgreSQL's buffers) count once per process. */
  rssMb: number;
  /** Proportional set size: each shared page split among the processes that map it; what the tree really costs. */
  pssMb: number;
  processes: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
}

function kbField(text: string | undefined, field: string): number {
  const m = text && new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** Every live process descended from (and including) `roots`. */
function tree(roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const visit = (pid: number) => {
    out.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  roots.forEach(visit);
  return out;
}

export function footprintOf(roots: number[]): Footprint {
  let rss = 0;
  let pss = 0;
  const pids = tree(roots);
  for (const pid of pids) {
    rss += kbField(read(`/proc/${pid}/status`), 'VmRSS');
    pss += kbField(read(`/proc/${pid}/smaps_rollup`), 'Pss');
  }
  return { rssMb: Math.round(rss / 1024), pssMb: Math.round(pss / 1024), processes: pids.length };
}
