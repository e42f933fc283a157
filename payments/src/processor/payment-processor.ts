/**
 * The payment processor port: what the payments service needs from a card processor, in its own
 * words. Two adapters implement it: StripeProcessor (the real Stripe API) and TestModeProcessor
 * (a stand-in that behaves like Stripe's test mode, for `npm start` and tests without a key).
 */

export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  currency: string;
  /** A card token (`tok_…`) or a PaymentMethod id (`pm_…`) from the browser. */
  token: string;
  receiptEmail?: string | undefined;
  /** The same key always means the same charge: a retry never charges twice. */
  idempotencyKey: string;
}

export type ChargeResult =
  | { outcome: 'succeeded'; paymentId: string }
  | { outcome: 'declined'; paymentId: string | null; message: string; code: string }
  | { outcome: 'pending'; paymentId: string }; // e.g. requires_action/processing: a webhook settles it later

export interface WebhookEvent {
  id: string;
  type: 'payment_intent.succeeded' | 'payment_intent.payment_failed' | 'charge.refunded' | 'ignored';
  paymentId: string | null;
  orderId: string | null;
  message: string | null;
  refundId: string | null;
}

export interface PaymentProcessor {
  /** True when no real money moves; the UI says so plainly. */
  readonly testMode: boolean;
  /** Throws ProcessorUnavailableError when the processor cannot be reached, after the SDK's retries. */
  charge(req: ChargeRequest): Promise<ChargeResult>;
  /** Refunds a payment in full; ProcessorUnavailableError as for charge. */
  refund(paymentId: string, idempotencyKey: string): Promise<{ refundId: string }>;
  /** Throws InvalidWebhookError on a missing, bad or expired signature. */
  parseWebhook(rawBody: Buffer, signature: string | undefined): WebhookEvent;
}

/** The processor could not be reached or failed on its side, so the outcome is unknown: retry with the same idempotency key. */
export class ProcessorUnavailableError extends Error {
  override readonly name = 'ProcessorUnavailableError';
}

/** The webhook is not provably from the processor (or is a replay): reject it. */
export class InvalidWebhookError extends Error {
  override readonly name = 'InvalidWebhookError';
}
