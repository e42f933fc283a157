import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EventEnvelope } from '@ticketyboo/common';
import { bothBuses, eventually, publishEvent, startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { createPaymentsService, paymentsService } from './payments-service';
import type { ChargeRequest, ChargeResult } from './processor/payment-processor';
import { TestModeProcessor } from './processor/test-mode-processor';
import { cancelOrder, chargesOf, knownOrder, newUser, orderEvent, pay, replicaShows, type TestUser } from './payments.test-helpers';

/** The test-mode stand-in, with a hook that runs while a charge is at the processor (and may answer for it). */
class HookedProcessor extends TestModeProcessor {
  duringCharge: ((req: ChargeRequest) => Promise<ChargeResult | void>) | null = null;
  override async charge(req: ChargeRequest): Promise<ChargeResult> {
    return (await this.duringCharge?.(req)) ?? super.charge(req);
  }
}

describe.each(bothBuses)('payments on PostgreSQL + %s', (busKind) => {
  let h: ServiceHarness;
  let processor: HookedProcessor;
  let charges: EventEnvelope<'charge.created'>[];
  let buyer: TestUser;

  beforeAll(async () => {
    processor = new HookedProcessor();
    h = await startService({ ...paymentsService, create: (deps) => createPaymentsService(deps, processor) }, { bus: busKind }, { REPLICA_WAIT_MS: '300' });
    charges = await h.events('charge.created');
  });
  afterAll(() => h.dispose());
  beforeEach(() => {
    buyer = newUser(h);
    processor.duringCharge = null;
  });

  const chargeEventsFor = (orderId: string) => charges.filter((e) => e.data.orderId === orderId);

  it('charges the price the buyer saw, in cents, and announces the charge so the order completes', async () => {
    const order = await knownOrder(h, buyer, { priceCents: 4999 });
    const res = await pay(h, buyer, order.id, 'tok_visa').expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      orderId: order.id,
      status: 'succeeded',
      amount: 4999,
      currency: 'usd',
      stripeId: expect.stringMatching(/^pi_/),
      stripeRefundId: null,
    });
    const event = await eventually(() => chargeEventsFor(order.id)[0]);
    expect(event.data).toEqual({
      id: res.body.id,
      orderId: order.id,
      status: 'succeeded',
      amountCents: 4999,
      currency: 'usd',
      stripeId: res.body.stripeId,
      version: 1,
    });
    expect(await chargesOf(h, buyer, order.id)).toEqual([res.body]);
  });

  it('says plainly that it is in test mode', async () => {
    expect((await request(h.app).get('/api/payments/config').expect(200)).body).toEqual({ testMode: true });
  });

  it('refuses anonymous (401), ill-typed input (400 naming the field), another buyer (403) and an unknown order (404)', async () => {
    const order = await knownOrder(h, buyer);
    await request(h.app).post('/api/payments').send({ orderId: order.id, token: 'tok_visa' }).expect(401);
    const bad: [object, string][] = [
      [{ token: 'tok_visa' }, 'orderId'],
      [{ orderId: 7, token: 'tok_visa' }, 'orderId'],
      [{ orderId: 'nope', token: 'tok_visa' }, 'orderId'],
      [{ orderId: order.id }, 'token'],
      [{ orderId: order.id, token: { $ne: '' } }, 'token'],
      [{ orderId: order.id, token: '   ' }, 'token'],
    ];
    for (const [body, field] of bad) {
      const res = await request(h.app).post('/api/payments').set('Cookie', buyer.cookie).send(body).expect(400);
      expect(res.body.errors[0].field).toBe(field);
    }
    const other = newUser(h);
    expect((await pay(h, other, order.id).expect(403)).body).toEqual({ errors: [{ message: 'This order is not yours' }] });
    expect((await pay(h, buyer, randomUUID()).expect(404)).body).toEqual({ errors: [{ message: 'Order not found' }] });
    // None of that charged anything.
    expect(await chargesOf(h, buyer, order.id)).toEqual([]);
  });

  it('waits briefly for an order that was just placed instead of answering 404', async () => {
    const order = orderEvent(buyer);
    const response = pay(h, buyer, order.id).then((r) => r);
    await publishEvent(h.bus, 'order.created', order);
    expect((await response).status).toBe(201);
  });

  it('answers a decline with 402 and the processor message, and announces a failed charge so the order is cancelled', async () => {
    const order = await knownOrder(h, buyer);
    const res = await pay(h, buyer, order.id, 'tok_chargeDeclinedInsufficientFunds').expect(402);
    expect(res.body).toEqual({ errors: [{ message: 'Your card has insufficient funds.' }] });
    const event = await eventually(() => chargeEventsFor(order.id)[0]);
    expect(event.data.status).toBe('failed');
    // That order is over: a second try with a good card does not charge it.
    await pay(h, buyer, order.id, 'tok_visa').expect(409);
    expect((await chargesOf(h, buyer, order.id)).map((c) => c.status)).toEqual(['failed']);
  });

  it('refuses a token PostgreSQL cannot store (400 token), and the order stays payable', async () => {
    const order = await knownOrder(h, buyer);
    const res = await pay(h, buyer, order.id, 'tok_\u0000').expect(400);
    expect(res.body.errors).toEqual([{ field: 'token', message: expect.any(String) }]);
    await pay(h, buyer, order.id, 'tok_visa').expect(201);
  });

  it('never strands a charge in pending when the processor throws: the buyer can pay again at once', async () => {
    const order = await knownOrder(h, buyer);
    processor.duringCharge = () => Promise.reject(new Error('the processor broke'));
    await pay(h, buyer, order.id).expect(500);
    processor.duringCharge = null;
    await pay(h, buyer, order.id, 'tok_visa').expect(201);
    expect((await chargesOf(h, buyer, order.id)).map((c) => c.status)).toEqual(['succeeded']);
  });

  it('records a decline whose message PostgreSQL could not store, instead of leaving the charge pending', async () => {
    const order = await knownOrder(h, buyer);
    processor.duringCharge = async () => ({ outcome: 'declined', paymentId: null, message: "No such token: 'tok_\u0000'", code: 'resource_missing' });
    const res = await pay(h, buyer, order.id).expect(402);
    expect(res.body).toEqual({ errors: [{ message: "No such token: 'tok_\uFFFD'" }] });
    expect((await chargesOf(h, buyer, order.id)).map((c) => c.status)).toEqual(['failed']);
    expect((await eventually(() => chargeEventsFor(order.id)[0])).data.status).toBe('failed');
  });

  it('declines an unknown token the way Stripe does', async () => {
    const order = await knownOrder(h, buyer);
    const res = await pay(h, buyer, order.id, 'tok_made_up').expect(402);
    expect(res.body.errors[0].message).toBe("No such token: 'tok_made_up'");
  });

  it('refuses to charge a cancelled, expired or already paid order (409)', async () => {
    const cancelled = await knownOrder(h, buyer);
    await cancelOrder(h, cancelled, 'buyer');
    await replicaShows(h, cancelled.id, 'cancelled');
    expect((await pay(h, buyer, cancelled.id).expect(409)).body).toEqual({ errors: [{ message: 'Order was cancelled' }] });
    const expired = await knownOrder(h, buyer, { expiresInMs: -1000 });
    expect((await pay(h, buyer, expired.id).expect(409)).body).toEqual({ errors: [{ message: 'Order has expired' }] });
    const paid = await knownOrder(h, buyer);
    await pay(h, buyer, paid.id).expect(201);
    expect((await pay(h, buyer, paid.id).expect(409)).body).toEqual({ errors: [{ message: 'Order is already paid' }] });
    expect(await chargesOf(h, buyer, cancelled.id)).toEqual([]);
    expect(await chargesOf(h, buyer, expired.id)).toEqual([]);
  });

  it('takes exactly one charge when the buyer pays several times at once', async () => {
    const order = await knownOrder(h, buyer);
    const statuses = (await Promise.all(Array.from({ length: 6 }, () => pay(h, buyer, order.id)))).map((r) => r.status);
    expect(statuses.sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(await chargesOf(h, buyer, order.id)).toHaveLength(1);
    await eventually(() => chargeEventsFor(order.id)[0]);
  });

  it('refunds at once a payment that succeeds after the order was cancelled, and answers 409', async () => {
    const order = await knownOrder(h, buyer);
    processor.duringCharge = async () => {
      // The lock runs out while the card is at the processor.
      await cancelOrder(h, order, 'expired');
      await replicaShows(h, order.id, 'cancelled');
    };
    const res = await pay(h, buyer, order.id).expect(409);
    expect(res.body.errors[0].message).toMatch(/refunded/);
    const [charge] = await chargesOf(h, buyer, order.id);
    expect(charge).toMatchObject({ status: 'refunded', stripeId: expect.stringMatching(/^pi_/), stripeRefundId: expect.stringMatching(/^re_/) });
    // Only the refund is announced: the order never completed, the ticket was never sold.
    const events = await eventually(() => (chargeEventsFor(order.id).length ? chargeEventsFor(order.id) : undefined));
    expect(events.map((e) => e.data.status)).toEqual(['refunded']);
  });

  it('refunds a paid order that orders cancelled first (the buyer lost the race to the expiry)', async () => {
    const order = await knownOrder(h, buyer);
    await pay(h, buyer, order.id).expect(201);
    await cancelOrder(h, order, 'expired');
    const [charge] = await eventually(async () => {
      const list = await chargesOf(h, buyer, order.id);
      return list[0]?.status === 'refunded' ? list : undefined;
    });
    expect(charge?.stripeRefundId).toMatch(/^re_/);
    const statuses = await eventually(() => (chargeEventsFor(order.id).length === 2 ? chargeEventsFor(order.id) : undefined));
    expect(statuses.map((e) => e.data.status)).toEqual(['succeeded', 'refunded']);
  });

  it("shows a buyer only their own charges", async () => {
    const order = await knownOrder(h, buyer);
    await pay(h, buyer, order.id).expect(201);
    expect(await chargesOf(h, newUser(h), order.id)).toEqual([]);
    await request(h.app).get('/api/payments').query({ orderId: order.id }).expect(401);
    await request(h.app).get('/api/payments').query({ orderId: 'x' }).set('Cookie', buyer.cookie).expect(400);
  });

  it('rejects webhooks in test mode: nothing to verify them with', async () => {
    const res = await request(h.app).post('/api/payments/webhook').set('stripe-signature', 't=1,v1=00').send({ id: 'evt_1' }).expect(400);
    expect(res.body.errors[0].message).toMatch(/^Webhook rejected/);
  });
});
