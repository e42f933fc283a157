import Stripe from 'stripe';
import {
  ProcessorUnavailableError,
  type ChargeRequest,
  type ChargeResult,
  type PaymentProcessor,
  type WebhookEvent,
} from './payment-processor';
import { parseStripeWebhook } from './stripe-webhook';

export interface StripeProcessorOptions {
  secretKey: string;
  webhookSecret: string;
  /** Where the API is: api.stripe.com over https unless a test points the SDK at a local server. */
  host?: string | undefined;
  port?: number | undefined;
  protocol?: 'http' | 'https' | undefined;
  /** Retries on network errors, 409 and 5xx, each with the same idempotency key (SDK default 2). */
  maxNetworkRetries?: number | undefined;
}

/**
 * Charges cards through Stripe PaymentIntents, created and confirmed in one call. Only cards are
 * allowed, so a payment never needs a redirect to a bank or wallet page; a card that wants 3-D
 * Secure comes back pending and a webhook settles it.
 */
export class StripeProcessor implements PaymentProcessor {
  readonly testMode: boolean;
  private readonly stripe: Stripe;
  private readonly webhookSecret: string;

  constructor(options: StripeProcessorOptions) {
    const config: Stripe.StripeConfig = {};
    if (options.host !== undefined) config.host = options.host;
    if (options.port !== undefined) config.port = options.port;
    if (options.protocol !== undefined) config.protocol = options.protocol;
    if (options.maxNetworkRetries !== undefined) config.maxNetworkRetries = options.maxNetworkRetries;
    this.stripe = new Stripe(options.secretKey, config);
    this.webhookSecret = options.webhookSecret;
    // A test-mode key moves no money even on Stripe's servers.
    this.testMode = /^(sk|rk)_test_/.test(options.secretKey);
  }

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    const params: Stripe.PaymentIntentCreateParams = {
      amount: req.amountCents,
      currency: req.currency.toLowerCase(),
      confirm: true,
      // `payment_method_types` is gone from the API version this SDK pins (2026-09-30);
      // its replacement keeps the intent card-only.
      allowed_payment_method_types: ['card'],
      metadata: { orderId: req.orderId },
      ...paymentMethod(req.token),
    };
    if (req.receiptEmail) params.receipt_email = req.receiptEmail;
    try {
      const intent = await this.stripe.paymentIntents.create(params, { idempotencyKey: req.idempotencyKey });
      return fromIntent(intent);
    } catch (err) {
      const declined = asDecline(err);
      if (declined) return declined;
      throw asUnavailable(err);
    }
  }

  async refund(paymentId: string, idempotencyKey: string): Promise<{ refundId: string }> {
    try {
      const refund = await this.stripe.refunds.create({ payment_intent: paymentId }, { idempotencyKey });
      return { refundId: refund.id };
    } catch (err) {
      throw asUnavailable(err);
    }
  }

  parseWebhook(rawBody: Buffer, signature: string | undefined): WebhookEvent {
    return parseStripeWebhook(rawBody, signature, this.webhookSecret);
  }
}

/**
 * The SDK leaves `card` out of `payment_method_data` on purpose, so nobody sends raw card numbers
 * through it; a card token in `card[token]` is the API's documented way to confirm with a `tok_…`.
 */
type CardTokenData = Stripe.PaymentIntentCreateParams.PaymentMethodData & { card: { token: string } };

function paymentMethod(token: string): Pick<Stripe.PaymentIntentCreateParams, 'payment_method' | 'payment_method_data'> {
  if (token.startsWith('pm_')) return { payment_method: token };
  const data: CardTokenData = { type: 'card', card: { token } };
  return { payment_method_data: data };
}

function fromIntent(intent: Stripe.PaymentIntent): ChargeResult {
  switch (intent.status) {
    case 'succeeded':
      return { outcome: 'succeeded', paymentId: intent.id };
    case 'requires_payment_method':
    case 'canceled': {
      // A failed confirmation normally arrives as a card error; this is the same failure seen on the intent.
      const failure = intent.last_payment_error;
      return {
        outcome: 'declined',
        paymentId: intent.id,
        message: failure?.message ?? 'The payment was not completed.',
        code: failure?.decline_code ?? failure?.code ?? intent.status,
      };
    }
    default:
      // requires_action (3-D Secure), processing, …: Stripe decides later and says so by webhook.
      return { outcome: 'pending', paymentId: intent.id };
  }
}

function asDecline(err: unknown): ChargeResult | null {
  if (err instanceof Stripe.errors.StripeCardError) {
    return {
      outcome: 'declined',
      paymentId: err.payment_intent?.id ?? null,
      message: err.message,
      // Only issuer declines have a decline_code (the SDK makes a missing one ''); other card
      // errors (expired_card, incorrect_cvc) have just a code.
      code: err.decline_code || err.code || 'card_declined',
    };
  }
  // An unknown token or PaymentMethod is the buyer's card input failing, not our bug.
  if (
    err instanceof Stripe.errors.StripeInvalidRequestError &&
    err.code === 'resource_missing' &&
    err.param?.startsWith('payment_method')
  ) {
    return { outcome: 'declined', paymentId: null, message: err.message, code: err.code };
  }
  return null;
}

function asUnavailable(err: unknown): unknown {
  const transient =
    err instanceof Stripe.errors.StripeConnectionError ||
    err instanceof Stripe.errors.StripeAPIError ||
    err instanceof Stripe.errors.StripeRateLimitError ||
    (err instanceof Stripe.errors.StripeError && err.statusCode !== undefined && (err.statusCode >= 500 || err.statusCode === 409));
  if (!transient) return err;
  return new ProcessorUnavailableError(`Stripe is unavailable: ${err.message}`, { cause: err });
}
