import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@ticketyboo/common';
import { publishEvent, startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { expirationService } from './expiration-service';
import {
  chargeCreated,
  envFor,
  expiredCount,
  expiryOf,
  orderCancelled,
  orderCreated,
  QueueProbe,
  runtimes,
} from './expiration.test-helpers';

describe.each(runtimes)('expiration on PostgreSQL + %s with %s', (busKind, schedulerKind) => {
  const env = envFor(schedulerKind);
  let h: ServiceHarness;
  let expired: EventEnvelope<'order.expired'>[];

  beforeAll(async () => {
    h = await startService(expirationService, { bus: busKind }, env);
    expired = await h.events('order.expired');
  });
  afterAll(async () => {
    await h.dispose();
    if (schedulerKind === 'bullmq') await new QueueProbe(env).close();
  });

  /** An order whose expiry comes well after `afterMs`: once it has expired, anything due by then has been decided. */
  async function marker(afterMs: number): Promise<void> {
    const order = orderCreated(afterMs + 1200);
    await publishEvent(h.bus, 'order.created', order);
    await expiryOf(expired, order.id, afterMs + 5000);
  }

  it('publishes order.expired once, at the order’s expiresAt, with the order’s version', async () => {
    const order = orderCreated(700, randomUUID(), 3);
    const expiresAt = Date.parse(order.expiresAt);
    await publishEvent(h.bus, 'order.created', order);
    const { event, seenAt } = await expiryOf(expired, order.id);
    expect(event.data).toEqual({ id: order.id, version: 3 });
    expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(expiresAt);
    expect(seenAt).toBeGreaterThanOrEqual(expiresAt);
    expect(seenAt - expiresAt).toBeLessThan(1500);
    await marker(0);
    expect(expiredCount(expired, order.id)).toBe(1);
  });

  it('expires a redelivered order once: same event id, and the same order under another event id', async () => {
    const order = orderCreated(600);
    const eventId = randomUUID();
    await publishEvent(h.bus, 'order.created', order, eventId);
    await publishEvent(h.bus, 'order.created', order, eventId);
    await publishEvent(h.bus, 'order.created', order);
    await expiryOf(expired, order.id);
    // And once more after it expired: a late copy must not arm it again.
    await publishEvent(h.bus, 'order.created', order);
    await marker(0);
    expect(expiredCount(expired, order.id)).toBe(1);
  });

  it('does not expire an order cancelled before its expiry', async () => {
    const order = orderCreated(500);
    await publishEvent(h.bus, 'order.created', order);
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(order.id));
    await marker(500);
    expect(expiredCount(expired, order.id)).toBe(0);
  });

  it('does not expire an order paid before its expiry, but still expires one whose charge failed', async () => {
    const paid = orderCreated(500);
    const unpaid = orderCreated(500);
    await publishEvent(h.bus, 'order.created', paid);
    await publishEvent(h.bus, 'order.created', unpaid);
    await publishEvent(h.bus, 'charge.created', chargeCreated(paid.id));
    await publishEvent(h.bus, 'charge.created', chargeCreated(unpaid.id, 'failed'));
    await expiryOf(expired, unpaid.id);
    await marker(500);
    expect(expiredCount(expired, paid.id)).toBe(0);
    expect(expiredCount(expired, unpaid.id)).toBe(1);
  });

  it('arms nothing for an order whose cancel overtook its order.created', async () => {
    const order = orderCreated(300);
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(order.id));
    await marker(0);
    await publishEvent(h.bus, 'order.created', order);
    await marker(300);
    expect(expiredCount(expired, order.id)).toBe(0);
  });

  it('expires at once an order that was already due when its order.created arrived', async () => {
    const order = orderCreated(-60_000);
    const publishedAt = Date.now();
    await publishEvent(h.bus, 'order.created', order);
    const { seenAt } = await expiryOf(expired, order.id);
    expect(seenAt - publishedAt).toBeLessThan(500);
  });
});
