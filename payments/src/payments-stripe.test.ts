import request from 'supertest';
import Stripe from 'stripe';
import type { EventEnvelope } from '@ticketyboo/common';
import { eventually, publishEvent, startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { createPaymentsService, paymentsService } from './payments-service';
import { FakeStripe, stripeId } from './processor/fake-stripe.test-helpers';
import { StripeProcessor } from './processor/stripe-processor';
import { chargesOf, knownOrder, newUser, pay, type TestUser } from './payments.test-helpers';

const WEBHOOK_SECRET = 'whsec_service_test';

/** A webhook as Stripe sends it: the event JSON and its signature header. */
function webhook(h: ServiceHarness, type: string, object: object, opts: { id?: string; secret?: string } = {}) {
  const payload = JSON.stringify({
    id: opts.id ?? stripeId('evt'),
    object: 'event',
    api_version: '2026-09-30.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: null,
    type,
    data: { object },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? WEBHOOK_SECRET });
  return request(h.app).post('/api/payments/webhook').set('content-type', 'application/json').set('stripe-signature', signature).send(payload);
}

describe('payments with the Stripe adapter (a local Stripe API) on postgres + jetstream', () => {
  let stripe: FakeStripe;
  let h: ServiceHarness;
  let charges: EventEnvelope<'charge.created'>[];
  let buyer: TestUser;

  beforeAll(async () => {
    stripe = await FakeStripe.start();
    const processor = new StripeProcessor({
      secretKey: 'sk_test_service',
      webhookSecret: WEBHOOK_SECRET,
      host: '127.0.0.1',
      port: stripe.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    h = await startService({ ...paymentsService, create: (deps) => createPaymentsService(deps, processor) }, { bus: 'jetstream' });
    charges = await h.events('charge.created');
  });
  afterAll(async () => {
    await h.dispose();
    await stripe.close();
  });
  beforeEach(() => {
    buyer = newUser(h);
  });

  const chargeEventsFor = (orderId: string) => charges.filter((e) => e.data.orderId === orderId);

  it('says it is in test mode with a test key', async () => {
    expect((await request(h.app).get('/api/payments/config').expect(200)).body).toEqual({ testMode: true });
  });

  it('completes a payment that needed the card holder (3-D Secure) when Stripe confirms it by webhook, once', async () => {
    const order = await knownOrder(h, buyer, { priceCents: 1234 });
    const res = await pay(h, buyer, order.id, 'tok_threeDSecure2Required').expect(202);
    expect(res.body).toMatchObject({ status: 'pending', amount: 1234, stripeId: expect.stringMatching(/^pi_/) });
    expect(chargeEventsFor(order.id)).toEqual([]);

    const intent = { id: res.body.stripeId, object: 'payment_intent', status: 'succeeded', metadata: { orderId: order.id } };
    const eventId = stripeId('evt');
    await webhook(h, 'payment_intent.succeeded', intent, { id: eventId }).expect(200, { received: true });
    // Stripe delivers at least once.
    await webhook(h, 'payment_intent.succeeded', intent, { id: eventId }).expect(200);

    const [event] = await eventually(() => (chargeEventsFor(order.id).length ? chargeEventsFor(order.id) : undefined));
    expect(event?.data).toMatchObject({ status: 'succeeded', amountCents: 1234, stripeId: res.body.stripeId });
    expect((await chargesOf(h, buyer, order.id)).map((c) => c.status)).toEqual(['succeeded']);
    await pay(h, buyer, order.id, 'tok_visa').expect(409);
    expect(chargeEventsFor(order.id)).toHaveLength(1);
  });

  it('fails a pending payment when Stripe reports it failed, with Stripe’s message', async () => {
    const order = await knownOrder(h, buyer);
    const res = await pay(h, buyer, order.id, 'tok_threeDSecure2Required').expect(202);
    await webhook(h, 'payment_intent.payment_failed', {
      id: res.body.stripeId,
      object: 'payment_intent',
      status: 'requires_payment_method',
      metadata: { orderId: order.id },
      last_payment_error: { message: 'The card holder failed authentication.' },
    }).expect(200);
    const event = await eventually(() => chargeEventsFor(order.id)[0]);
    expect(event.data.status).toBe('failed');
  });

  it('rejects a webhook that is not signed with our secret, and changes nothing', async () => {
    const order = await knownOrder(h, buyer);
    const res = await pay(h, buyer, order.id, 'tok_threeDSecure2Required').expect(202);
    const intent = { id: res.body.stripeId, object: 'payment_intent', status: 'succeeded', metadata: { orderId: order.id } };
    await webhook(h, 'payment_intent.succeeded', intent, { secret: 'whsec_forged' }).expect(400);
    await request(h.app).post('/api/payments/webhook').send({ type: 'payment_intent.succeeded' }).expect(400);
    expect((await chargesOf(h, buyer, order.id)).map((c) => c.status)).toEqual(['pending']);
  });

  it('answers 503 when Stripe is unreachable, charges nothing, and lets the buyer retry at once', async () => {
    const order = await knownOrder(h, buyer);
    // The SDK retries a closed connection once by itself; both attempts fail.
    stripe.failNext('destroy', 'destroy');
    const res = await pay(h, buyer, order.id).expect(503);
    expect(res.body.errors[0].message).toMatch(/unavailable/);
    expect(chargeEventsFor(order.id)).toEqual([]);
    const retry = await pay(h, buyer, order.id).expect(201);
    expect(retry.body.status).toBe('succeeded');
    // Every attempt went to Stripe under the one key derived from the order, so none could charge twice.
    const keys = new Set(stripe.requests.filter((r) => r.form['metadata[orderId]'] === order.id).map((r) => r.headers['idempotency-key']));
    expect([...keys]).toEqual([`ticketyboo-charge-${order.id}`]);
  });

  it("sends the buyer's current email to Stripe for the receipt", async () => {
    await publishEvent(h.bus, 'user.created', { id: buyer.id, email: 'first@example.com', version: 0 });
    await publishEvent(h.bus, 'user.updated', { id: buyer.id, email: 'now@example.com', version: 1 });
    await eventually(async () => {
      const { rows } = await h.db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [buyer.id]);
      return rows[0]?.email === 'now@example.com' ? true : undefined;
    });
    const order = await knownOrder(h, buyer);
    await pay(h, buyer, order.id).expect(201);
    const sent = stripe.requests.find((r) => r.form['metadata[orderId]'] === order.id);
    expect(sent?.form).toMatchObject({ receipt_email: 'now@example.com', amount: '2500', currency: 'usd' });
  });

  it('records a refund Stripe reports (made in the dashboard) and announces it', async () => {
    const order = await knownOrder(h, buyer);
    const paid = await pay(h, buyer, order.id).expect(201);
    await webhook(h, 'charge.refunded', {
      id: stripeId('ch'),
      object: 'charge',
      payment_intent: paid.body.stripeId,
      metadata: { orderId: order.id },
      refunded: true,
      refunds: { object: 'list', data: [{ id: 're_dashboard', object: 'refund' }] },
    }).expect(200);
    const [charge] = await eventually(async () => {
      const list = await chargesOf(h, buyer, order.id);
      return list[0]?.status === 'refunded' ? list : undefined;
    });
    expect(charge?.stripeRefundId).toBe('re_dashboard');
  });
});
