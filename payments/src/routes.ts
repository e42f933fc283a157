import { Router } from 'express';
import { z } from 'zod';
import { BadRequestError, requireAuth, userOf, validate } from '@ticketyboo/common';
import { toJson } from './charge';
import type { PaymentService } from './payment-service';
import { InvalidWebhookError, type PaymentProcessor } from './processor/payment-processor';

const Payment = z.object(
  {
    orderId: z.uuid({ error: 'orderId must be an order id' }),
    token: z
      .string({ error: 'token must be a string' })
      .trim()
      .min(1, { error: 'token is required', abort: true })
      .max(255, { error: 'token is too long', abort: true })
      // Stripe's tokens and PaymentMethod ids (tok_…, pm_…) are letters, digits and underscores;
      // anything else would only be sent to the processor to be declined, or echoed back.
      .regex(/^\w+$/, { error: 'token must be a card token or PaymentMethod id' }),
  },
  { error: 'Request body must be a JSON object' },
);

const ChargesQuery = z.object({ orderId: z.uuid({ error: 'orderId must be an order id' }) });

export function paymentRoutes(payments: PaymentService, processor: PaymentProcessor): Router {
  const r = Router();

  // Stripe calls this, not a signed-in user: the signature is the authentication.
  r.post('/webhook', async (req, res) => {
    let event;
    try {
      event = processor.parseWebhook(req.rawBody ?? Buffer.alloc(0), req.get('stripe-signature'));
    } catch (err) {
      if (err instanceof InvalidWebhookError) throw new BadRequestError(`Webhook rejected: ${err.message}`);
      throw err;
    }
    await payments.onWebhook(event);
    res.json({ received: true });
  });

  r.get('/config', (_req, res) => {
    res.json({ testMode: processor.testMode });
  });

  r.post('/', requireAuth, async (req, res) => {
    const { orderId, token } = validate(Payment, req.body);
    const outcome = await payments.pay(userOf(req).id, orderId, token);
    res.status(outcome.kind === 'paid' ? 201 : 202).json(toJson(outcome.charge));
  });

  r.get('/', requireAuth, async (req, res) => {
    const { orderId } = validate(ChargesQuery, req.query);
    res.json((await payments.chargesFor(userOf(req).id, orderId)).map(toJson));
  });

  return r;
}
