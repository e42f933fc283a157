import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { InvalidWebhookError, type ChargeRequest } from './payment-processor';
import { TestModeProcessor } from './test-mode-processor';

const STRIPE_ID = /^[a-z]+_[A-Za-z0-9]{24}$/;

function chargeRequest(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    orderId: randomUUID(),
    amountCents: 4999,
    currency: 'usd',
    token: 'tok_visa',
    receiptEmail: 'buyer@example.com',
    idempotencyKey: `charge-${randomUUID()}`,
    ...overrides,
  };
}

describe('TestModeProcessor', () => {
  let processor: TestModeProcessor;

  beforeEach(() => {
    processor = new TestModeProcessor();
  });

  it('says it is in test mode', () => {
    expect(processor.testMode).toBe(true);
  });

  describe('charge', () => {
    it.each(['tok_visa', 'tok_mastercard', 'pm_card_visa', 'pm_card_mastercard'])('%s succeeds with a pi_ id', async (token) => {
      const result = await processor.charge(chargeRequest({ token }));
      expect(result).toEqual({ outcome: 'succeeded', paymentId: expect.stringMatching(/^pi_[A-Za-z0-9]{24}$/) });
    });

    it.each([
      ['tok_chargeDeclined', 'Your card was declined.', 'generic_decline'],
      ['pm_card_chargeDeclined', 'Your card was declined.', 'generic_decline'],
      ['tok_chargeDeclinedInsufficientFunds', 'Your card has insufficient funds.', 'insufficient_funds'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'Your card has insufficient funds.', 'insufficient_funds'],
    ])('%s is declined: "%s" (%s)', async (token, message, code) => {
      const result = await processor.charge(chargeRequest({ token }));
      expect(result).toEqual({ outcome: 'declined', paymentId: expect.stringMatching(STRIPE_ID), message, code });
    });

    it.each([
      ['tok_nonsense', "No such token: 'tok_nonsense'"],
      ['4242424242424242', "No such token: '4242424242424242'"],
      ['pm_card_unknown', "No such PaymentMethod: 'pm_card_unknown'"],
      ['', "No such token: ''"],
    ])('declines the unknown token %j as Stripe does: %s', async (token, message) => {
      const result = await processor.charge(chargeRequest({ token }));
      expect(result).toEqual({ outcome: 'declined', paymentId: null, message, code: 'resource_missing' });
    });

    it('returns the first result for a repeated idempotency key: the same payment, never a second', async () => {
      const req = chargeRequest();
      const first = await processor.charge(req);
      expect(await processor.charge({ ...req })).toEqual(first);
      expect(await processor.charge(req)).toEqual(first);
    });

    it('replays a decline for its key too', async () => {
      const req = chargeRequest({ token: 'tok_chargeDeclined' });
      const first = await processor.charge(req);
      expect(await processor.charge(req)).toEqual(first);
    });

    it('treats the currency case-insensitively and an empty receipt email as none, as the Stripe adapter sends them', async () => {
      const req = chargeRequest({ currency: 'usd', receiptEmail: undefined });
      const first = await processor.charge(req);
      expect(await processor.charge({ ...req, currency: 'USD', receiptEmail: '' })).toEqual(first);
    });

    it('gives different keys different payments', async () => {
      const a = await processor.charge(chargeRequest());
      const b = await processor.charge(chargeRequest());
      expect(a.paymentId).not.toEqual(b.paymentId);
    });

    it('refuses a key reused for a different request, as Stripe does', async () => {
      const req = chargeRequest();
      await processor.charge(req);
      await expect(processor.charge({ ...req, amountCents: 1 })).rejects.toThrow(/Keys for idempotent requests can only be used with the same parameters/);
    });

    it('forgets a key after 24 hours, like Stripe', async () => {
      let now = 0;
      const clocked = new TestModeProcessor({ now: () => now });
      const req = chargeRequest();
      const first = await clocked.charge(req);
      now += 24 * 60 * 60 * 1000 - 1;
      expect(await clocked.charge(req)).toEqual(first);
      now += 1;
      expect(await clocked.charge(req)).not.toEqual(first);
    });
  });

  describe('refund', () => {
    it('refunds with a re_ id, the same refund for the same key', async () => {
      const payment = await processor.charge(chargeRequest());
      const refund = await processor.refund(payment.paymentId!, 'refund-1');
      expect(refund.refundId).toMatch(/^re_[A-Za-z0-9]{24}$/);
      expect(await processor.refund(payment.paymentId!, 'refund-1')).toEqual(refund);
    });

    it('refunds a payment it has not seen (one from before a restart)', async () => {
      await expect(processor.refund('pi_fromBeforeTheRestart0000', 'refund-2')).resolves.toEqual({ refundId: expect.stringMatching(STRIPE_ID) });
    });

    it('refuses to refund a declined payment or one already refunded under another key', async () => {
      const declined = await processor.charge(chargeRequest({ token: 'tok_chargeDeclined' }));
      await expect(processor.refund(declined.paymentId!, 'refund-3')).rejects.toThrow(/does not have a successful charge to refund/);

      const paid = await processor.charge(chargeRequest());
      await processor.refund(paid.paymentId!, 'refund-4');
      await expect(processor.refund(paid.paymentId!, 'refund-5')).rejects.toThrow(/already been refunded/);
    });
  });

  describe('webhooks', () => {
    const secret = 'whsec_local';
    const orderId = randomUUID();
    const payload = JSON.stringify({
      id: 'evt_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_1', object: 'payment_intent', metadata: { orderId } } },
    });

    it('rejects every webhook when no webhook secret is configured, even a signed one', () => {
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
      expect(() => processor.parseWebhook(Buffer.from(payload), signature)).toThrow(InvalidWebhookError);
      expect(() => processor.parseWebhook(Buffer.from(payload), undefined)).toThrow(InvalidWebhookError);
    });

    describe('with a webhook secret', () => {
      const withSecret = new TestModeProcessor({ webhookSecret: secret });

      it('accepts a webhook signed with it, the way Stripe signs', () => {
        const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
        expect(withSecret.parseWebhook(Buffer.from(payload), signature)).toEqual({
          id: 'evt_1',
          type: 'payment_intent.succeeded',
          paymentId: 'pi_1',
          orderId,
          message: null,
          refundId: null,
        });
      });

      it('rejects a tampered body, a stale timestamp and a missing header', () => {
        const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
        expect(() => withSecret.parseWebhook(Buffer.from(payload.replace('pi_1', 'pi_2')), signature)).toThrow(InvalidWebhookError);
        const stale = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) - 301 });
        expect(() => withSecret.parseWebhook(Buffer.from(payload), stale)).toThrow(InvalidWebhookError);
        expect(() => withSecret.parseWebhook(Buffer.from(payload), undefined)).toThrow(InvalidWebhookError);
      });
    });
  });
});
