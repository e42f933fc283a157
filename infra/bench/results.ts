import type { Floors } from './floors';
import type { Footprint } from './footprint';
import type { Startups } from './systems';
import type { LoadResult } from './load-spec';
import type { BrowseResult, ExpiryResult, HotTicketResult, Percentiles } from './phases';

export interface BenchResults {
  date: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; node: string };
  floors: Floors;
  services: {
    placement: LoadResult;
    hotTicket: HotTicketResult;
    propagation: Percentiles;
    expiry: ExpiryResult;
    browse: BrowseResult;
  };
  embedded: {
    placement: LoadResult;
    hotTicket: HotTicketResult;
    startup: Startups;
    footprint: { idle: Footprint; afterPlacement: Footprint };
  };
}

/** What must hold whatever the timings: the correctness half of the benchmark, checked in CI. */
export function breaches(r: BenchResults): string[] {
  const out: string[] = [];
  for (const [label, hot] of [['start:services', r.services.hotTicket], ['npm start', r.embedded.hotTicket]] as const) {
    if (hot.winners !== 1) out.push(`${label}: hot ticket had ${hot.winners} winners`);
    if (hot.refused !== hot.buyers - 1) out.push(`${label}: hot ticket refused ${hot.refused} of ${hot.buyers - 1} losers with 409`);
    if (hot.serverErrors > 0) out.push(`${label}: hot ticket answered ${hot.serverErrors} times with 5xx`);
    if (hot.unanswered > 0) out.push(`${label}: hot ticket left ${hot.unanswered} buyers unanswered`);
  }
  // A request left unanswered (30 s) is a latency figure, reported in the table; a refusal is a breach.
  for (const [label, p] of [['start:services', r.services.placement], ['npm start', r.embedded.placement]] as const) {
    const other = p.requests - (p.byStatus['201'] ?? 0);
    if (other > 0) out.push(`${label}: ${other} orders on free tickets were refused (${JSON.stringify(p.byStatus)})`);
  }
  if (r.services.expiry.stillLocked > 0) out.push(`${r.services.expiry.stillLocked} locks outlived their expiry by more than 30 s`);
  return out;
}
