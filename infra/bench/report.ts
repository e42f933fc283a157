import type { LoadResult } from './load-spec';
import type { HotTicketResult, Percentiles } from './phases';
import type { Footprint } from './footprint';
import type { BenchResults } from './results';
import type { Startup } from './systems';

const ms = (v: number) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : '–');
const rps = (r: LoadResult) => Math.round(r.requestsPerSecond).toLocaleString('en-US');
const pct = (a: number, b: number) => `${Math.round((100 * a) / b)}%`;
const mark = (ok: boolean) => (ok ? 'met' : '**not met**');

interface Row {
  what: string;
  rps: string;
  p50: string;
  p99: string;
  vsFloor: string;
  target: string;
}

function hotRow(what: string, h: HotTicketResult): Row {
  const ok = h.winners === 1 && h.serverErrors === 0 && h.unanswered === 0 && h.wallMs <= 2000;
  return {
    what: `${what}: ${h.buyers.toLocaleString('en-US')} buyers, one ticket`,
    rps: `${h.winners} × 201, ${h.refused} × 409, ${h.serverErrors} × 5xx`,
    p50: '',
    p99: `all answered in ${ms(h.wallMs)}`,
    vsFloor: '',
    target: `one winner, ≤ 2 s: ${mark(ok)}`,
  };
}

function latencyRow(what: string, p: Percentiles, target: string, ok: boolean): Row {
  return { what: `${what} (${p.samples.toLocaleString('en-US')} samples)`, rps: '', p50: ms(p.p50), p99: ms(p.p99), vsFloor: `max ${ms(p.max)}`, target: `${target}: ${mark(ok)}` };
}

export function rows(r: BenchResults): Row[] {
  const { floors, services: s, embedded: e } = r;
  const placement = (what: string, p: LoadResult): Row => ({
    what,
    rps: p.errors > 0 ? `${rps(p)} (${p.errors} unanswered in 30 s)` : rps(p),
    p50: ms(p.latencyMs.p50),
    p99: ms(p.latencyMs.p99),
    vsFloor: `${pct(p.requestsPerSecond, floors.lock.requestsPerSecond)} of B`,
    target: `≥ 50% of B, p99 ≤ 50 ms: ${mark(p.requestsPerSecond >= floors.lock.requestsPerSecond / 2 && p.latencyMs.p99 <= 50)}`,
  });
  const deepVsFirst = s.browse.deep.requestsPerSecond / s.browse.first.requestsPerSecond;
  return [
    { what: '1. Floor A: bare Express 5, JSON', rps: rps(floors.json), p50: ms(floors.json.latencyMs.p50), p99: ms(floors.json.latencyMs.p99), vsFloor: '', target: '' },
    { what: '2. Floor B: bare Express 5, one conditional UPDATE', rps: rps(floors.lock), p50: ms(floors.lock.latencyMs.p50), p99: ms(floors.lock.latencyMs.p99), vsFloor: '', target: '' },
    placement('3. Order placement, start:services', s.placement),
    hotRow('4. Hot ticket, start:services', s.hotTicket),
    { what: '5. Browse, first page', rps: rps(s.browse.first), p50: ms(s.browse.first.latencyMs.p50), p99: ms(s.browse.first.latencyMs.p99), vsFloor: `${pct(s.browse.first.requestsPerSecond, floors.json.requestsPerSecond)} of A`, target: '' },
    {
      what: '5. Browse, page at 90% depth',
      rps: rps(s.browse.deep),
      p50: ms(s.browse.deep.latencyMs.p50),
      p99: ms(s.browse.deep.latencyMs.p99),
      vsFloor: `${pct(s.browse.deep.requestsPerSecond, floors.json.requestsPerSecond)} of A`,
      target: `within 20% of first page (${pct(s.browse.deep.requestsPerSecond, s.browse.first.requestsPerSecond)}): ${mark(deepVsFirst >= 0.8)}`,
    },
    latencyRow('6. Event propagation, 201 → ticket shows locked', s.propagation, 'p99 ≤ 100 ms', s.propagation.p99 <= 100),
    {
      ...latencyRow(`7. Expiry lateness after expiresAt, locks expiring over ${s.expiry.spreadSeconds} s`, s.expiry, 'p99 ≤ 1 s', s.expiry.p99 <= 1000 && s.expiry.stillLocked === 0),
      rps: s.expiry.stillLocked > 0 ? `${s.expiry.stillLocked} still locked` : '',
      vsFloor: `max ${ms(s.expiry.max)}; expiration fired p50 ${ms(s.expiry.fired.p50)}, p99 ${ms(s.expiry.fired.p99)}`,
    },
    {
      ...placement('8. Order placement, npm start', e.placement),
      target: `nothing unanswered, p99 ≤ 2× start:services' (${ms(2 * s.placement.latencyMs.p99)}): ${mark(e.placement.errors === 0 && e.placement.latencyMs.p99 <= 2 * s.placement.latencyMs.p99)}`,
    },
    hotRow('8. Hot ticket, npm start', e.hotTicket),
    footprintRow('9. npm start memory at idle', e.footprint.idle, 400),
    footprintRow('9. npm start memory after placement', e.footprint.afterPlacement, 600),
    startupRow(`10. npm start, first run${e.startup.first.clientBuilt ? ' (web client already built)' : ', web client built as on a fresh clone'}`, e.startup.first, 15),
    startupRow('10. npm start, second run', e.startup.second, 10),
  ];
}

function footprintRow(what: string, f: Footprint, limitMb: number): Row {
  return {
    what: `${what} (${f.processes} processes: Node and its PostgreSQL)`,
    rps: '',
    p50: '',
    p99: '',
    vsFloor: `RSS summed ${f.rssMb} MB; PSS ${f.pssMb} MB`,
    target: `RSS ≤ ${limitMb} MB: ${mark(f.rssMb <= limitMb)}`,
  };
}

function startupRow(what: string, s: Startup, apiLimitSeconds: number): Row {
  const secs = (v: number) => `${v.toFixed(1)} s`;
  return { what, rps: '', p50: '', p99: '', vsFloor: `API ${secs(s.apiSeconds)}, home page ${secs(s.homeSeconds)}`, target: `API ≤ ${apiLimitSeconds} s: ${mark(s.apiSeconds <= apiLimitSeconds)}` };
}

/** Where an order's CPU goes, whole system: what bounds requests/s on a machine everything shares. */
export function cpuPerOrder(p: LoadResult): string {
  const total = Object.values(p.cpu ?? {}).reduce((a, b) => a + b, 0);
  const parts = Object.entries(p.cpu ?? {})
    .filter(([, s]) => s > 0)
    .map(([label, s]) => `${label} ${((1000 * s) / p.requests).toFixed(1)}`);
  return `${((1000 * total) / p.requests).toFixed(1)} ms of CPU per order placed (${parts.join(', ')})`;
}

export function markdownTable(r: BenchResults): string {
  const head = '| measure | requests/s | p50 | p99 | vs floor | target |\n| --- | ---: | ---: | ---: | --- | --- |';
  return [head, ...rows(r).map((x) => `| ${x.what} | ${x.rps} | ${x.p50} | ${x.p99} | ${x.vsFloor} | ${x.target} |`)].join('\n');
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Requests per second of each throughput measure beside its floor, as bars. */
export function chartSvg(r: BenchResults): string {
  const bars: { label: string; value: number; floor: boolean }[] = [
    { label: 'Floor A: bare Express, JSON', value: r.floors.json.requestsPerSecond, floor: true },
    { label: 'Browse, first page', value: r.services.browse.first.requestsPerSecond, floor: false },
    { label: 'Browse, 90% deep', value: r.services.browse.deep.requestsPerSecond, floor: false },
    { label: 'Floor B: Express + one UPDATE', value: r.floors.lock.requestsPerSecond, floor: true },
    { label: 'Order placement, start:services', value: r.services.placement.requestsPerSecond, floor: false },
    { label: 'Order placement, npm start', value: r.embedded.placement.requestsPerSecond, floor: false },
  ];
  const max = Math.max(...bars.map((b) => b.value));
  const width = 760;
  const left = 250;
  const barArea = width - left - 90;
  const rowH = 34;
  const top = 40;
  const height = top + bars.length * rowH + 20;
  const body = bars
    .map((b, i) => {
      const y = top + i * rowH;
      const w = Math.max(1, (b.value / max) * barArea);
      return [
        `<text x="${left - 10}" y="${y + 19}" text-anchor="end">${escape(b.label)}</text>`,
        `<rect x="${left}" y="${y + 4}" width="${w.toFixed(1)}" height="22" fill="${b.floor ? '#9aa5b1' : '#2f6fde'}"/>`,
        `<text x="${(left + w + 6).toFixed(1)}" y="${y + 19}">${Math.round(b.value).toLocaleString('en-US')}</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Requests per second, ${r.machine.cpus} cores, ${escape(r.date.slice(0, 10))} (grey: floors)</text>
${body}
</svg>
`;
}
