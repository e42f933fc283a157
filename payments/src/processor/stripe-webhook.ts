import Stripe from 'stripe';
import { InvalidWebhookError, type WebhookEvent } from './payment-processor';

/**
 * Verifies a Stripe webhook (HMAC-SHA256 over `timestamp.body` with the endpoint secret, at most
 * 300 s old, the SDK's default tolerance) and reduces it to the few facts payments acts on.
 * Shared by both adapters so a locally signed test event means exactly what Stripe's would.
 */
export function parseStripeWebhook(rawBody: Buffer, signature: string | undefined, secret: string): WebhookEvent {
  if (!signature) throw new InvalidWebhookError('Missing Stripe-Signature header');
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signature, secret);
  } catch (err) {
    // A bad signature, a stale timestamp, or a body that is not JSON: none of it came from Stripe.
    throw new InvalidWebhookError(err instanceof Error ? err.message : 'Invalid webhook', { cause: err });
  }
  return toWebhookEvent(event);
}

function toWebhookEvent(event: Stripe.Event): WebhookEvent {
  const none = { paymentId: null, orderId: null, message: null, refundId: null };
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const intent = event.data.object;
      return { ...none, id: event.id, type: event.type, paymentId: intent.id, orderId: intent.metadata.orderId ?? null };
    }
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      return {
        ...none,
        id: event.id,
        type: event.type,
        paymentId: intent.id,
        orderId: intent.metadata.orderId ?? null,
        message: intent.last_payment_error?.message ?? 'The payment failed.',
      };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const intent = charge.payment_intent;
      return {
        ...none,
        id: event.id,
        type: event.type,
        paymentId: typeof intent === 'string' ? intent : (intent?.id ?? null),
        // A PaymentIntent's metadata is copied onto the charges it creates.
        orderId: charge.metadata.orderId ?? null,
        // Newest first. Charges carry their refunds only when Stripe includes them (API versions
        // since 2022-11-15 leave them out unless expanded), so this may be null.
        refundId: charge.refunds?.data[0]?.id ?? null,
      };
    }
    default:
      return { ...none, id: event.id, type: 'ignored' };
  }
}
