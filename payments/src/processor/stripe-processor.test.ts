import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import Stripe from 'stripe';
import { FakeStripe, stripeId } from './fake-stripe.test-helpers';
import { InvalidWebhookError, ProcessorUnavailableError, type ChargeRequest } from './payment-processor';
import { StripeProcessor, type StripeProcessorOptions } from './stripe-processor';

const WEBHOOK_SECRET = 'whsec_test_secret';

function processorFor(port: number, options: Partial<StripeProcessorOptions> = {}): StripeProcessor {
  return new StripeProcessor({
    secretKey: 'sk_test_123',
    webhookSecret: WEBHOOK_SECRET,
    host: '127.0.0.1',
    port,
    protocol: 'http',
    maxNetworkRetries: 1,
    ...options,
  });
}

function chargeRequest(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    orderId: randomUUID(),
    amountCents: 4999,
    currency: 'USD',
    token: 'tok_visa',
    receiptEmail: 'buyer@example.com',
    idempotencyKey: `charge-${randomUUID()}`,
    ...overrides,
  };
}

/** A port nothing listens on: Stripe unreachable. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('StripeProcessor against a local Stripe API', () => {
  let stripe: FakeStripe;
  let processor: StripeProcessor;

  beforeEach(async () => {
    stripe = await FakeStripe.start();
    processor = processorFor(stripe.port);
  });
  afterEach(() => stripe.close());

  describe('charge', () => {
    it('creates and confirms a card-only PaymentIntent with the token, order, receipt email and idempotency key', async () => {
      const req = chargeRequest();
      const result = await processor.charge(req);

      expect(result).toEqual({ outcome: 'succeeded', paymentId: expect.stringMatching(/^pi_/) });
      expect(stripe.requests).toHaveLength(1);
      const sent = stripe.requests[0]!;
      expect(sent.method).toBe('POST');
      expect(sent.path).toBe('/v1/payment_intents');
      expect(sent.headers['idempotency-key']).toBe(req.idempotencyKey);
      expect(sent.headers.authorization).toBe('Bearer sk_test_123');
      expect(sent.form).toEqual({
        amount: '4999',
        currency: 'usd',
        confirm: 'true',
        'allowed_payment_method_types[0]': 'card',
        'metadata[orderId]': req.orderId,
        'payment_method_data[type]': 'card',
        'payment_method_data[card][token]': 'tok_visa',
        receipt_email: 'buyer@example.com',
      });
    });

    it('sends a PaymentMethod id as payment_method, and no receipt email when there is none', async () => {
      const result = await processor.charge(chargeRequest({ token: 'pm_card_visa', receiptEmail: undefined }));

      expect(result.outcome).toBe('succeeded');
      const form = stripe.requests[0]!.form;
      expect(form.payment_method).toBe('pm_card_visa');
      expect(form).not.toHaveProperty('payment_method_data[type]');
      expect(form).not.toHaveProperty('receipt_email');
    });

    it('returns the PaymentIntent id it was given', async () => {
      const result = await processor.charge(chargeRequest());
      expect(result.outcome === 'succeeded' && result.paymentId).toMatch(/^pi_[a-f0-9]{24}$/);
    });

    it('maps a card decline (402) to declined with Stripe’s message, decline code and PaymentIntent id', async () => {
      const result = await processor.charge(chargeRequest({ token: 'tok_chargeDeclined' }));
      expect(result).toEqual({
        outcome: 'declined',
        paymentId: expect.stringMatching(/^pi_/),
        message: 'Your card was declined.',
        code: 'generic_decline',
      });
    });

    it('reports the issuer’s reason for an insufficient-funds decline', async () => {
      const result = await processor.charge(chargeRequest({ token: 'tok_chargeDeclinedInsufficientFunds' }));
      expect(result).toMatchObject({ outcome: 'declined', message: 'Your card has insufficient funds.', code: 'insufficient_funds' });
    });

    it('uses the error code for a card error without a decline code', async () => {
      const result = await processor.charge(chargeRequest({ token: 'tok_chargeDeclinedExpiredCard' }));
      expect(result).toMatchObject({ outcome: 'declined', message: 'Your card has expired.', code: 'expired_card' });
    });

    it('declines an unknown token with Stripe’s message and no payment', async () => {
      const result = await processor.charge(chargeRequest({ token: 'tok_nonsense' }));
      expect(result).toEqual({ outcome: 'declined', paymentId: null, message: "No such token: 'tok_nonsense'", code: 'resource_missing' });
    });

    it('reports a PaymentIntent that needs 3-D Secure as pending', async () => {
      const result = await processor.charge(chargeRequest({ token: 'tok_threeDSecure2Required' }));
      expect(result).toEqual({ outcome: 'pending', paymentId: expect.stringMatching(/^pi_/) });
    });

    it('retries a dropped connection with the same idempotency key and succeeds', async () => {
      stripe.failNext('destroy');
      const req = chargeRequest();

      const result = await processor.charge(req);

      expect(result.outcome).toBe('succeeded');
      expect(stripe.requests.map((r) => r.headers['idempotency-key'])).toEqual([req.idempotencyKey, req.idempotencyKey]);
    });

    it('retries a 500 with the same idempotency key and succeeds', async () => {
      stripe.failNext({ status: 500, body: { error: { type: 'api_error', message: 'Something went wrong on Stripe’s end.' } } });
      const req = chargeRequest();

      const result = await processor.charge(req);

      expect(result.outcome).toBe('succeeded');
      expect(stripe.requests.map((r) => r.headers['idempotency-key'])).toEqual([req.idempotencyKey, req.idempotencyKey]);
      expect(stripe.requests[1]!.form).toEqual(stripe.requests[0]!.form);
    });

    it('replays the first result for a repeated idempotency key: one PaymentIntent, not two', async () => {
      const req = chargeRequest();
      const first = await processor.charge(req);
      const again = await processor.charge(req);
      expect(again).toEqual(first);
    });

    it('throws ProcessorUnavailableError when Stripe keeps dropping the connection', async () => {
      stripe.failAlways('destroy');
      await expect(processor.charge(chargeRequest())).rejects.toBeInstanceOf(ProcessorUnavailableError);
      expect(stripe.requests).toHaveLength(2); // the first attempt and maxNetworkRetries (1) retry
    });

    it('throws ProcessorUnavailableError when Stripe keeps answering 500', async () => {
      stripe.failAlways({ status: 500, body: { error: { type: 'api_error', message: 'Something went wrong.' } } });
      await expect(processor.charge(chargeRequest())).rejects.toThrow(ProcessorUnavailableError);
      expect(stripe.requests).toHaveLength(2);
    });

    it('throws ProcessorUnavailableError when nothing listens', async () => {
      const down = processorFor(await closedPort());
      await expect(down.charge(chargeRequest())).rejects.toThrow(ProcessorUnavailableError);
    });

    it('lets a request Stripe rejects as ours to fix propagate unchanged', async () => {
      stripe.failNext({ status: 400, body: { error: { type: 'invalid_request_error', code: 'parameter_unknown', message: 'Received unknown parameter: x', param: 'x' } } });
      const err: unknown = await processor.charge(chargeRequest()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(err).not.toBeInstanceOf(ProcessorUnavailableError);
    });
  });

  describe('refund', () => {
    it('refunds the PaymentIntent with the idempotency key', async () => {
      const refund = await processor.refund('pi_123', 'refund-key-1');

      expect(refund).toEqual({ refundId: expect.stringMatching(/^re_/) });
      const sent = stripe.requests[0]!;
      expect(sent.path).toBe('/v1/refunds');
      expect(sent.form).toEqual({ payment_intent: 'pi_123' });
      expect(sent.headers['idempotency-key']).toBe('refund-key-1');
    });

    it('returns the same refund for the same key', async () => {
      const first = await processor.refund('pi_123', 'refund-key-2');
      expect(await processor.refund('pi_123', 'refund-key-2')).toEqual(first);
    });

    it('retries a failed refund with the same key, then gives up with ProcessorUnavailableError', async () => {
      stripe.failAlways({ status: 503, body: { error: { type: 'api_error', message: 'Service unavailable' } } });
      await expect(processor.refund('pi_123', 'refund-key-3')).rejects.toThrow(ProcessorUnavailableError);
      expect(stripe.requests.map((r) => r.headers['idempotency-key'])).toEqual(['refund-key-3', 'refund-key-3']);
    });
  });

  describe('testMode', () => {
    it('is true for a test key and false for a live key', () => {
      expect(processor.testMode).toBe(true);
      expect(processorFor(stripe.port, { secretKey: 'sk_live_123' }).testMode).toBe(false);
    });
  });
});

describe('StripeProcessor webhooks', () => {
  const processor = new StripeProcessor({ secretKey: 'sk_test_123', webhookSecret: WEBHOOK_SECRET });

  function signed(event: object, options: { secret?: string; timestamp?: number } = {}): { body: Buffer; signature: string } {
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret ?? WEBHOOK_SECRET,
      ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
    });
    return { body: Buffer.from(payload), signature };
  }

  function event(type: string, object: object): object {
    return { id: stripeId('evt'), object: 'event', api_version: '2026-09-30.endive', created: 1, livemode: false, pending_webhooks: 1, request: null, type, data: { object } };
  }

  const orderId = randomUUID();
  const succeeded = event('payment_intent.succeeded', { id: 'pi_1', object: 'payment_intent', status: 'succeeded', metadata: { orderId } });

  it('parses payment_intent.succeeded', () => {
    const { body, signature } = signed(succeeded);
    expect(processor.parseWebhook(body, signature)).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'payment_intent.succeeded',
      paymentId: 'pi_1',
      orderId,
      message: null,
      refundId: null,
    });
  });

  it('parses payment_intent.payment_failed with the failure message', () => {
    const { body, signature } = signed(
      event('payment_intent.payment_failed', {
        id: 'pi_2',
        object: 'payment_intent',
        status: 'requires_payment_method',
        metadata: { orderId },
        last_payment_error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' },
      }),
    );
    expect(processor.parseWebhook(body, signature)).toMatchObject({
      type: 'payment_intent.payment_failed',
      paymentId: 'pi_2',
      orderId,
      message: 'Your card was declined.',
    });
  });

  it('parses charge.refunded with the charge’s PaymentIntent and the refund', () => {
    const { body, signature } = signed(
      event('charge.refunded', {
        id: 'ch_1',
        object: 'charge',
        payment_intent: 'pi_3',
        metadata: { orderId },
        refunded: true,
        refunds: { object: 'list', data: [{ id: 're_1', object: 'refund' }], has_more: false },
      }),
    );
    expect(processor.parseWebhook(body, signature)).toMatchObject({ type: 'charge.refunded', paymentId: 'pi_3', orderId, refundId: 're_1' });
  });

  it('marks other event types as ignored', () => {
    const { body, signature } = signed(event('customer.created', { id: 'cus_1', object: 'customer' }));
    expect(processor.parseWebhook(body, signature)).toMatchObject({ type: 'ignored', paymentId: null, orderId: null });
  });

  it('rejects a tampered body', () => {
    const { signature } = signed(succeeded);
    const tampered = Buffer.from(JSON.stringify({ ...succeeded, type: 'payment_intent.payment_failed' }));
    expect(() => processor.parseWebhook(tampered, signature)).toThrow(InvalidWebhookError);
  });

  it('rejects a replay older than the 300 s tolerance', () => {
    const { body, signature } = signed(succeeded, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(() => processor.parseWebhook(body, signature)).toThrow(InvalidWebhookError);
  });

  it('rejects a signature made with another secret', () => {
    const { body, signature } = signed(succeeded, { secret: 'whsec_someone_else' });
    expect(() => processor.parseWebhook(body, signature)).toThrow(InvalidWebhookError);
  });

  it('rejects a missing or malformed signature header', () => {
    const { body } = signed(succeeded);
    expect(() => processor.parseWebhook(body, undefined)).toThrow(InvalidWebhookError);
    expect(() => processor.parseWebhook(body, '')).toThrow(InvalidWebhookError);
    expect(() => processor.parseWebhook(body, 'not-a-signature')).toThrow(InvalidWebhookError);
  });
});
