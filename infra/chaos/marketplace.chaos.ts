import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { eventually, NO_PER_USER_LIMITS } from '@ticketyboo/common/testing';
import { Api, type OrderJson, type TicketJson, type User } from '../services/api.test-helpers';
import { isRunning, startTopology, type RunningTopology } from '../services/topology.test-helpers';
import { serverFaults } from './faults';
import { checkInvariants, settled } from './invariants';

const LOCK_SECONDS = 4;
const TICKETS = 40;
const BUYERS = 12;
const WORKERS = 8;

/** Many buyers and sellers at once, until told to stop; counts every answer by status. */
class Load {
  readonly statuses = new Map<number, number>();
  requests = 0;
  networkErrors = 0;
  private running = true;
  private readonly done: Promise<void[]>;

  constructor(
    private readonly api: Api,
    private readonly sellers: User[],
    private readonly buyers: User[],
    private readonly listings: { ticket: TicketJson; seller: User }[],
  ) {
    this.done = Promise.all(Array.from({ length: WORKERS }, () => this.work()));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async call<T>(fn: () => Promise<{ status: number; body: T }>): Promise<{ status: number; body: T } | undefined> {
    this.requests++;
    try {
      const res = await fn();
      this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);
      return res;
    } catch {
      this.networkErrors++;
      return undefined;
    }
  }

  private async work(): Promise<void> {
    const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
    while (this.running) {
      const roll = Math.random();
      if (roll < 0.1) {
        // New listings keep arriving, so every fault lands on tickets still for sale.
        const seller = pick(this.sellers);
        const listed = await this.call(() => this.api.call<TicketJson>('POST', '/api/tickets', { cookie: seller.cookie, body: { title: `Extra ${this.listings.length}`, price: 30 } }));
        if (listed?.status === 201) this.listings.push({ ticket: listed.body, seller });
        continue;
      }
      if (roll < 0.2) {
        const { ticket, seller } = pick(this.listings);
        const price = 10 + Math.floor(Math.random() * 90);
        await this.call(() => this.api.call('PUT', `/api/tickets/${ticket.id}`, { cookie: seller.cookie, body: { title: ticket.title, price } }));
        continue;
      }
      const buyer = pick(this.buyers);
      const placed = await this.call(() => this.api.call<OrderJson>('POST', '/api/orders', { cookie: buyer.cookie, body: { ticketId: pick(this.listings).ticket.id } }));
      if (placed?.status !== 201) continue;
      const next = Math.random();
      if (next < 0.55) {
        await this.call(() => this.api.pay(buyer, placed.body.id, Math.random() < 0.75 ? 'tok_visa' : 'tok_chargeDeclined'));
      } else if (next < 0.75) {
        await this.call(() => this.api.call('DELETE', `/api/orders/${placed.body.id}`, { cookie: buyer.cookie }));
      } // else: abandoned, to expire
    }
  }
}

interface Fault {
  name: string;
  inject(t: RunningTopology): Promise<void>;
}

/** SIGKILL a service's process; the launcher restarts it, as Kubernetes would. Resolves once it is back. */
function killService(label: string): Fault {
  return {
    name: `SIGKILL ${label}`,
    async inject(t) {
      const victim = t.replicas.get(label)!.pid;
      process.kill(victim, 'SIGKILL');
      await eventually(() => (isRunning(victim) ? undefined : true), 5000);
      await eventually(() => {
        const r = t.replicas.get(label);
        return r?.url && r.pid !== victim ? true : undefined;
      }, 60_000);
    },
  };
}

const processFaults: Fault[] = [
  killService('orders#1'),
  killService('tickets#1'),
  killService('payments#1'),
  killService('expiration#1'),
  killService('auth#1'),
];

const serverFaultList: Fault[] = [
  { name: 'NATS server restart', inject: () => serverFaults.restartNats(1500) },
  { name: 'Redis restart with its data flushed', inject: () => serverFaults.restartRedisEmpty(1000) },
  { name: 'PostgreSQL restart', inject: () => serverFaults.restartPostgres() },
];

// CHAOS_SERVERS=0 leaves the shared servers alone (for a run beside other work on the machine).
const faults = process.env.CHAOS_SERVERS === '0' ? processFaults : [...processFaults, ...serverFaultList];

describe('chaos: the marketplace under load while its processes and servers fail', () => {
  it('keeps every promise: nothing sold twice, every lock ended, every charge accounted for, all services agree', async () => {
    const topology = await startTopology(['--replicas', 'orders=2,tickets=2'], {
      ORDER_EXPIRATION_SECONDS: String(LOCK_SECONDS),
      AUTH_ATTEMPTS_PER_IP: '1000000',
      // A dozen buyers and three sellers stand in for a crowd: no per-user limit may hold them back.
      ...NO_PER_USER_LIMITS,
    });
    const started = Date.now();
    try {
      const api = new Api(topology.base);
      const sellers = await Promise.all([0, 1, 2].map((i) => api.signUp(`seller${i}`)));
      const buyers = await Promise.all(Array.from({ length: BUYERS }, (_, i) => api.signUp(`buyer${i}`)));
      const listings = await Promise.all(
        Array.from({ length: TICKETS }, async (_, i) => {
          const seller = sellers[i % sellers.length]!;
          return { seller, ticket: await api.list(seller, `Show ${i}`, 20 + i) };
        }),
      );
      const load = new Load(api, sellers, buyers, listings);

      const injected: string[] = [];
      for (const fault of faults) {
        // Some traffic between faults, so each one lands on work in flight.
        const before = load.requests;
        await eventually(() => (load.requests >= before + 40 ? true : undefined), 60_000);
        await fault.inject(topology);
        injected.push(fault.name);
      }
      const after = load.requests;
      await eventually(() => (load.requests >= after + 40 ? true : undefined), 60_000);
      await load.stop();

      // Let it settle: locks run out, outboxes empty, consumers catch up.
      let rest = await settled(topology.names);
      await eventually(async () => {
        rest = await settled(topology.names);
        return rest.ok ? true : undefined;
      }, 120_000).catch(() => undefined);
      let result = await checkInvariants(topology.names, 5);
      // What is still travelling between services gets a little longer.
      if (result.breaches.length > 0) {
        await eventually(async () => {
          result = await checkInvariants(topology.names, 5);
          return result.breaches.length === 0 ? true : undefined;
        }, 30_000).catch(() => undefined);
      }

      const summary = {
        seconds: Math.round((Date.now() - started) / 1000),
        faults: injected,
        requests: load.requests,
        byStatus: Object.fromEntries([...load.statuses].sort(([a], [b]) => a - b)),
        networkErrors: load.networkErrors,
        ...result.counts,
        invariantChecks: result.checks,
        breaches: result.breaches.length,
        settled: rest.ok ? 'yes' : rest.why,
      };
      const out = resolve(__dirname, '../../test-output');
      await mkdir(out, { recursive: true });
      await writeFile(resolve(out, 'chaos-summary.json'), JSON.stringify({ ...summary, breachList: result.breaches.slice(0, 50) }, null, 2));
      console.log(`chaos summary\n${JSON.stringify(summary, null, 2)}`);

      expect(result.breaches).toEqual([]);
      expect(rest.why).toEqual([]);
      expect(result.counts.complete).toBeGreaterThan(0);
      expect(result.counts.cancelled).toBeGreaterThan(0);
      expect((await topology.stop()).code).toBe(0);
    } finally {
      await topology.dispose();
    }
  }, 900_000);
});
