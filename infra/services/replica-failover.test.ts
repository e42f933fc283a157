import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createLogger, JetStreamBus, subscribe } from '@ticketyboo/common';
import { eventually, NATS_TEST_URL, NO_PER_USER_LIMITS } from '@ticketyboo/common/testing';
import { Api, type OrderJson, type TicketJson, type User } from './api.test-helpers';
import { isRunning, startTopology } from './topology.test-helpers';

const TICKETS = 10;
const BUYERS = 3;

describe('start:services: an orders replica killed with SIGKILL mid-traffic', () => {
  it('leaves every order complete or cancelled, no ticket sold twice, none expired twice, and the replica restarted', async () => {
    // Unpaid orders expire in seconds, so every order settles within the test; two expiration
    // workers (BullMQ and sweeper each) race for every expiry.
    const topology = await startTopology(['--replicas', 'orders=2,tickets=2,expiration=2'], {
      ORDER_EXPIRATION_SECONDS: '5',
      // Three buyers race for ten tickets at once; one may win them all.
      ...NO_PER_USER_LIMITS,
    });
    try {
      const api = new Api(topology.base);
      const seller = await api.signUp('seller');
      const buyers = await Promise.all(Array.from({ length: BUYERS }, (_, i) => api.signUp(`buyer${i}`)));
      const tickets = await Promise.all(Array.from({ length: TICKETS }, (_, i) => api.list(seller, `Night ${i}`, 20 + i)));
      const victim = topology.replicas.get('orders#1')!.pid;

      let placed = 0;
      const killed = eventually(() => (placed >= 3 ? true : undefined), 30_000).then(() => process.kill(victim, 'SIGKILL'));
      const outcomes = await Promise.all(
        tickets.map(async (t, i) => {
          // Every buyer races for the ticket; the winner pays, except for every third ticket, left to expire.
          const attempts = await Promise.all(buyers.map((b) => orderRetryingGatewayErrors(api, b, t.id)));
          const won = attempts.findIndex((a) => a.status === 201);
          placed += attempts.filter((a) => a.status === 201).length;
          const orderStatuses = attempts.map((a) => a.status);
          if (won < 0 || i % 3 === 0) return orderStatuses;
          const order = attempts[won]!.body;
          // Paid or declined as too late: either way the order settles.
          await eventually(async () => ((await api.pay(buyers[won]!, order.id)).status === 404 ? undefined : true), 15_000);
          return orderStatuses;
        }),
      );
      await killed;
      expect(isRunning(victim)).toBe(false);
      // At most one buyer won each race (none, when the winner's answer was lost with the replica).
      for (const statuses of outcomes) expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(1);
      expect(outcomes.flat()).toContain(201);

      const settled = await eventually(async () => {
        const orders = (await Promise.all(buyers.map((b) => api.orders(b)))).flat();
        return orders.every((o) => o.status !== 'created') ? orders : undefined;
      }, 90_000);
      expect(settled.length).toBeGreaterThanOrEqual(TICKETS);
      expect(settled.some((o) => o.status === 'complete')).toBe(true);
      expect(settled.some((o) => o.status === 'cancelled')).toBe(true);

      for (const t of tickets) {
        const complete = settled.filter((o) => o.ticket.id === t.id && o.status === 'complete');
        expect(complete.length).toBeLessThanOrEqual(1);
        const final = await eventually(async () => settledTicket(await api.ticket(t.id)), 30_000);
        if (complete.length === 1) expect(final).toMatchObject({ status: 'sold', orderId: complete[0]!.id });
        else expect(final.status).toBe('available');
      }

      const expired = await expiredIds(topology.names);
      expect(new Set(expired).size).toBe(expired.length);
      expect(expired.length).toBeGreaterThan(0);

      // The launcher brought the killed replica back, as a Deployment would.
      const back = await eventually(() => {
        const r = topology.replicas.get('orders#1');
        return r?.url && r.pid !== victim ? r : undefined;
      }, 30_000);
      expect(isRunning(back.pid)).toBe(true);
      expect((await topology.stop()).code).toBe(0);
    } finally {
      await topology.dispose();
    }
  }, 240_000);
});

/** The order ids of every order.expired event in the run's stream, duplicates included. */
async function expiredIds(names: { stream: string; subjectPrefix: string }): Promise<string[]> {
  const nc = await connect({ servers: NATS_TEST_URL });
  const subject = `${names.subjectPrefix}.events.order.expired`;
  const info = await (await jetstreamManager(nc)).streams.info(names.stream, { subjects_filter: subject });
  await nc.close();
  const total = info.state.subjects?.[subject] ?? 0;
  const bus = await JetStreamBus.connect({ servers: NATS_TEST_URL, ...names });
  const ids: string[] = [];
  try {
    await subscribe(bus, createLogger('test'), { durable: 'test-expired-reader', subject: 'order.expired', handler: async (e) => void ids.push(e.data.id) });
    await eventually(() => (ids.length >= total ? true : undefined), 10_000);
  } finally {
    await bus.close();
  }
  return ids;
}

/** A browser's retry: a 502 (the replica died holding the request) is tried again; the order may exist already. */
async function orderRetryingGatewayErrors(api: Api, buyer: User, ticketId: string) {
  let res = await api.order(buyer, ticketId);
  if (res.status === 502) res = await api.order(buyer, ticketId);
  return res as { status: number; body: OrderJson };
}

/** A ticket is settled once no order holds it: sold, or available again. */
function settledTicket(t: TicketJson): TicketJson | undefined {
  return t.status === 'locked' ? undefined : t;
}
