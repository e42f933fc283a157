import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  PaymentRequiredError,
  RetryLaterError,
  storableText,
  type Database,
  type EventData,
  type Logger,
  type Outbox,
  type ReplicaWaiters,
  type Tx,
} from '@ticketyboo/common';
import { isSettled, toEvent, type Charge } from './charge';
import type { ChargeRepository } from './charge-repository';
import {
  ProcessorUnavailableError,
  type ChargeResult,
  type PaymentProcessor,
  type WebhookEvent,
} from './processor/payment-processor';
import type { ReplicaOrder, ReplicaRepository } from './replica-repository';

export class ServiceUnavailableError extends HttpError {
  readonly status = 503;
}

export interface PaymentRules {
  currency: string;
  /** How long to wait for a just-placed order to reach this service's replica before a 404. */
  replicaWaitMs: number;
}

export type PaymentOutcome = { kind: 'paid'; charge: Charge } | { kind: 'pending'; charge: Charge };

// Keys Stripe uses to recognise a retried request: one charge and one refund per order, ever.
const chargeKey = (orderId: string) => `ticketyboo-charge-${orderId}`;
const refundKey = (orderId: string) => `ticketyboo-refund-${orderId}`;

/**
 * Pays for orders. The database admits one charge per order (a second request collides on a
 * unique constraint), and the processor's idempotency key, derived from the order, makes a
 * retried request return the first one's result instead of charging twice. A charge that
 * succeeds for an order that was cancelled or expired meanwhile is refunded at once.
 */
export class PaymentService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly charges: ChargeRepository,
    private readonly replicas: ReplicaRepository,
    /** Requests waiting for an order to reach the replica, woken when order.created is applied. */
    private readonly waiters: ReplicaWaiters,
    private readonly processor: PaymentProcessor,
    private readonly rules: PaymentRules,
    private readonly log: Logger,
  ) {}

  async pay(buyerId: string, orderId: string, token: string): Promise<PaymentOutcome> {
    const order = await this.waitForOrder(orderId);
    if (order.userId !== buyerId) throw new ForbiddenError('This order is not yours');
    assertPayable(order, await this.charges.findByOrder(this.db, orderId));

    const claim = await this.charges.claim(this.db, {
      id: randomUUID(),
      orderId,
      userId: buyerId,
      amountCents: order.priceCents,
      currency: this.rules.currency,
    });
    if (!claim) throw new ConflictError('Order is already paid or being paid');
    try {
      return await this.chargeClaim(claim, token);
    } catch (err) {
      // Whatever failed (the processor, or recording its answer), the claim must not stay taken:
      // the buyer's next attempt takes it over at once, and the idempotency key makes that attempt
      // replay whatever the processor did with this one. Settled charges are left as they are.
      await this.charges.makeRetryable(this.db, claim.id).catch((release: unknown) => {
        this.log.warn({ err: release, orderId }, 'could not release a payment claim; it frees itself after a while');
      });
      throw err;
    }
  }

  private async chargeClaim(claim: Charge, token: string): Promise<PaymentOutcome> {
    const { orderId } = claim;
    let result: ChargeResult;
    try {
      result = await this.processor.charge({
        orderId,
        amountCents: claim.amountCents,
        currency: claim.currency,
        token,
        receiptEmail: await this.replicas.emailOf(this.db, claim.userId),
        idempotencyKey: chargeKey(orderId),
      });
    } catch (err) {
      if (!(err instanceof ProcessorUnavailableError)) throw err;
      throw new ServiceUnavailableError('The payment processor is unavailable; nothing was charged. Please try again.');
    }

    switch (result.outcome) {
      case 'succeeded': {
        const charge = await this.succeeded(claim, result.paymentId);
        if (charge.status === 'refunded') {
          throw new ConflictError('The order expired or was cancelled before the payment went through; it has been refunded');
        }
        return { kind: 'paid', charge };
      }
      case 'declined': {
        // The processor's words may echo what the buyer typed; they are stored and shown.
        const message = storableText(result.message);
        await this.failed(claim, result.paymentId, message);
        throw new PaymentRequiredError(message);
      }
      case 'pending':
        await this.charges.setStripeId(this.db, claim.id, result.paymentId);
        return { kind: 'pending', charge: { ...claim, stripeId: result.paymentId } };
    }
  }

  async chargesFor(buyerId: string, orderId: string): Promise<Charge[]> {
    return this.charges.listForBuyer(this.db, buyerId, orderId);
  }

  /** Stripe's word on a payment confirmed (or failed, or refunded) after the request returned. */
  async onWebhook(event: WebhookEvent): Promise<void> {
    if (event.type === 'ignored' || !event.paymentId) return;
    const paymentId = event.paymentId;
    const fresh = await this.outbox.transaction((tx) => this.charges.firstDelivery(tx, event.id));
    if (!fresh) return;
    // A payment whose request failed in flight has no Stripe id on record yet; its order names it.
    const charge =
      (await this.charges.findByStripeId(this.db, paymentId)) ??
      (event.orderId ? await this.charges.findByOrder(this.db, event.orderId) : undefined);
    if (!charge) {
      this.log.warn({ stripeEvent: event.id, paymentId }, 'webhook for an unknown payment');
      return;
    }
    if (event.type === 'payment_intent.succeeded' && charge.status === 'pending') await this.succeeded(charge, paymentId);
    if (event.type === 'payment_intent.payment_failed' && charge.status === 'pending') {
      await this.failed(charge, paymentId, event.message ?? 'The payment failed');
    }
    if (event.type === 'charge.refunded' && charge.status === 'succeeded') {
      await this.outbox.transaction(async (tx) => {
        const refunded = await this.charges.settle(tx, charge.id, ['succeeded'], {
          status: 'refunded',
          stripeRefundId: event.refundId ?? undefined,
        });
        if (refunded && isSettled(refunded)) await tx.publish('charge.created', toEvent(refunded));
      });
    }
  }

  // --- events from orders and auth ---

  async onOrderCreated(tx: Tx, o: EventData<'order.created'>): Promise<void> {
    await this.replicas.insertOrder(tx, {
      id: o.id,
      userId: o.userId,
      status: o.status,
      priceCents: o.ticket.priceCents,
      expiresAt: new Date(o.expiresAt),
      version: o.version,
    });
    tx.afterCommit(() => this.waiters.applied(o.id));
  }

  async onOrderCancelled(tx: Tx, o: EventData<'order.cancelled'>): Promise<void> {
    const known = await this.replicas.findOrder(tx, o.id, { forUpdate: true });
    if (!known) throw new RetryLaterError(`order ${o.id} cancelled before we saw it created`);
    await this.replicas.setOrderStatus(tx, o.id, 'cancelled', o.version);
    // Paid, but orders had already cancelled it (expiry or the buyer won the race): give the money back.
    const charge = await this.charges.findByOrder(tx, o.id, { forUpdate: true });
    if (charge?.status === 'succeeded') await this.refund(tx, charge);
  }

  onUserChanged(tx: Tx, u: EventData<'user.created'>): Promise<void> {
    return this.replicas.upsertUser(tx, u);
  }

  // --- settling a charge ---

  private async succeeded(claim: Charge, paymentId: string): Promise<Charge> {
    const { charge, late } = await this.outbox.transaction(async (tx) => {
      const order = await this.replicas.findOrder(tx, claim.orderId, { forUpdate: true });
      const settled = await this.charges.settle(tx, claim.id, ['pending'], { status: 'succeeded', stripeId: paymentId });
      // Settled already, by the webhook or another request: report what it became.
      if (!settled || !isSettled(settled)) return { charge: (await this.charges.findByOrder(tx, claim.orderId))!, late: false };
      const late = !order || order.status === 'cancelled' || order.expiresAt.getTime() <= Date.now();
      if (!late) {
        await this.replicas.markComplete(tx, claim.orderId);
        await tx.publish('charge.created', toEvent(settled));
      }
      return { charge: settled, late };
    });
    if (!late) return charge;
    // The success is on record before the refund goes out, so a failed refund is retried from the order's cancel.
    return this.outbox.transaction((tx) => this.refund(tx, charge));
  }

  private failed(claim: Charge, paymentId: string | null, message: string): Promise<void> {
    return this.outbox.transaction(async (tx) => {
      const charge = await this.charges.settle(tx, claim.id, ['pending'], {
        status: 'failed',
        stripeId: paymentId,
        failureMessage: message,
      });
      if (charge && isSettled(charge)) await tx.publish('charge.created', toEvent(charge));
    });
  }

  private async refund(tx: Tx, charge: Charge): Promise<Charge> {
    const { refundId } = await this.processor.refund(charge.stripeId!, refundKey(charge.orderId));
    const refunded = await this.charges.settle(tx, charge.id, ['succeeded'], { status: 'refunded', stripeRefundId: refundId });
    if (!refunded || !isSettled(refunded)) return charge;
    this.log.info({ orderId: charge.orderId, refundId }, 'late payment refunded');
    await tx.publish('charge.created', toEvent(refunded));
    return refunded;
  }

  private async waitForOrder(orderId: string): Promise<ReplicaOrder> {
    const order = await this.waiters.waitFor(
      orderId,
      () => this.replicas.findOrder(this.db, orderId),
      (o) => o !== undefined,
      this.rules.replicaWaitMs,
    );
    if (!order) throw new NotFoundError('Order not found');
    return order;
  }
}

function assertPayable(order: ReplicaOrder, charge: Charge | undefined): void {
  if (charge?.status === 'succeeded' || order.status === 'complete') throw new ConflictError('Order is already paid');
  if (order.status === 'cancelled') throw new ConflictError('Order was cancelled');
  if (order.expiresAt.getTime() <= Date.now()) throw new ConflictError('Order has expired');
  if (charge?.status === 'refunded' || charge?.status === 'failed') throw new ConflictError('Order was cancelled');
}
