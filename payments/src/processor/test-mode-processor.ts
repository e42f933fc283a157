import { randomInt } from 'node:crypto';
import {
  InvalidWebhookError,
  type ChargeRequest,
  type ChargeResult,
  type PaymentProcessor,
  type WebhookEvent,
} from './payment-processor';
import { parseStripeWebhook } from './stripe-webhook';

type Decline = { message: string; code: string };

const DECLINED: Decline = { message: 'Your card was declined.', code: 'generic_decline' };
const INSUFFICIENT_FUNDS: Decline = { message: 'Your card has insufficient funds.', code: 'insufficient_funds' };

/** Stripe's documented test tokens and PaymentMethods, and what Stripe's test mode does with each. */
const TEST_CARDS: ReadonlyMap<string, 'succeeds' | Decline> = new Map<string, 'succeeds' | Decline>([
  ['tok_visa', 'succeeds'],
  ['tok_mastercard', 'succeeds'],
  ['pm_card_visa', 'succeeds'],
  ['pm_card_mastercard', 'succeeds'],
  ['tok_chargeDeclined', DECLINED],
  ['pm_card_chargeDeclined', DECLINED],
  ['tok_chargeDeclinedInsufficientFunds', INSUFFICIENT_FUNDS],
  ['pm_card_chargeDeclinedInsufficientFunds', INSUFFICIENT_FUNDS],
]);

/** Stripe forgets an idempotency key after 24 hours; the stand-in forgets keys and payments then, bounding its memory. */
const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

interface Remembered<T> {
  at: number;
  request: string;
  result: T;
}

export interface TestModeProcessorOptions {
  /** Verify webhooks signed with this secret (Stripe's scheme); without one, every webhook is rejected. */
  webhookSecret?: string | undefined;
  now?: () => number;
}

/**
 * Stands in for Stripe when there is no STRIPE_SECRET_KEY: no network, no money, the outcomes
 * Stripe's test mode gives for its test cards, Stripe-shaped ids, and Stripe's idempotency (the
 * same key replays the first result, and reusing a key for a different request is an error).
 * Anything it does not know it declines the way Stripe answers an unknown token.
 */
export class TestModeProcessor implements PaymentProcessor {
  readonly testMode = true;
  private readonly charges = new Map<string, Remembered<ChargeResult>>();
  private readonly refunds = new Map<string, Remembered<{ refundId: string }>>();
  /** What became of each payment, so a refund of a declined or refunded one fails as on Stripe. */
  private readonly payments = new Map<string, { at: number; state: 'declined' | 'refunded' }>();
  private readonly webhookSecret: string | undefined;
  private readonly now: () => number;

  constructor(options: TestModeProcessorOptions = {}) {
    this.webhookSecret = options.webhookSecret;
    this.now = options.now ?? Date.now;
  }

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    // What Stripe would compare for a reused key: the parameters as the Stripe adapter sends them.
    const request = JSON.stringify([req.orderId, req.amountCents, req.currency.toLowerCase(), req.token, req.receiptEmail || null]);
    return this.once(this.charges, req.idempotencyKey, request, () => {
      const card = TEST_CARDS.get(req.token);
      if (card === 'succeeds') return { outcome: 'succeeded', paymentId: stripeId('pi') };
      if (card) {
        // Stripe creates the PaymentIntent before the issuer declines, so a decline has an id too.
        const paymentId = stripeId('pi');
        this.payments.set(paymentId, { at: this.now(), state: 'declined' });
        return { outcome: 'declined', paymentId, ...card };
      }
      return { outcome: 'declined', paymentId: null, message: noSuch(req.token), code: 'resource_missing' };
    });
  }

  async refund(paymentId: string, idempotencyKey: string): Promise<{ refundId: string }> {
    return this.once(this.refunds, idempotencyKey, paymentId, () => {
      this.forgetExpired(this.payments);
      const state = this.payments.get(paymentId)?.state;
      if (state === 'declined') {
        throw new Error(`This PaymentIntent (${paymentId}) does not have a successful charge to refund.`);
      }
      if (state === 'refunded') throw new Error(`PaymentIntent ${paymentId} has already been refunded.`);
      // A payment from before a restart is unknown here; refunding it must still work.
      this.payments.set(paymentId, { at: this.now(), state: 'refunded' });
      return { refundId: stripeId('re') };
    });
  }

  parseWebhook(rawBody: Buffer, signature: string | undefined): WebhookEvent {
    // Nothing calls back in test mode. Accepting unsigned webhooks would let anyone mark orders paid.
    if (!this.webhookSecret) throw new InvalidWebhookError('Webhooks are disabled in test mode without a webhook secret');
    return parseStripeWebhook(rawBody, signature, this.webhookSecret);
  }

  /** Stripe's idempotency: a key's first result is replayed, and a key is bound to its request. */
  private once<T>(store: Map<string, Remembered<T>>, key: string, request: string, run: () => T): T {
    this.forgetExpired(store);
    const seen = store.get(key);
    if (seen) {
      if (seen.request !== request) {
        throw new Error(
          `Keys for idempotent requests can only be used with the same parameters they were first used with. ` +
            `Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      return seen.result;
    }
    const result = run();
    store.set(key, { at: this.now(), request, result });
    return result;
  }

  private forgetExpired(store: Map<string, { at: number }>): void {
    const cutoff = this.now() - KEY_LIFETIME_MS;
    // Insertion order is age order, so the expired keys are all at the front.
    for (const [key, entry] of store) {
      if (entry.at > cutoff) return;
      store.delete(key);
    }
  }
}

/** Stripe's own words for a token or PaymentMethod that does not exist. */
function noSuch(token: string): string {
  return token.startsWith('pm_') ? `No such PaymentMethod: '${token}'` : `No such token: '${token}'`;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like Stripe's: prefix, underscore, 24 random alphanumerics. */
function stripeId(prefix: string): string {
  let id = `${prefix}_`;
  for (let i = 0; i < 24; i++) id += ALPHANUMERIC.charAt(randomInt(ALPHANUMERIC.length));
  return id;
}
