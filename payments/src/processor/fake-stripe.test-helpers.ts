import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The form-encoded body as the SDK sent it, e.g. `metadata[orderId]`. */
  form: Record<string, string>;
}

interface Reply {
  status: number;
  body: unknown;
}

/** What the server does instead of answering: drop the connection, or answer with a status of its own. */
export type Fault = 'destroy' | Reply;

/**
 * A few of Stripe's v1 endpoints on 127.0.0.1, enough to drive the real SDK: POST /v1/payment_intents
 * and POST /v1/refunds, with Stripe's JSON shapes, its error envelope and its idempotency replay.
 * Card tokens behave as in Stripe's test mode. Faults can be queued to simulate an outage.
 */
export class FakeStripe {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: Fault[] = [];
  private alwaysFail: Fault | null = null;
  private readonly replies = new Map<string, Reply>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeStripe> {
    const server = createServer();
    const fake = new FakeStripe(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      fake.handle(req, res).catch((err: unknown) => res.destroy(err instanceof Error ? err : undefined));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The next requests meet these faults, one each, before the server answers normally again. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Every request from now on meets this fault: Stripe is down. */
  failAlways(fault: Fault): void {
    this.alwaysFail = fault;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, form };
    this.requests.push(recorded);

    const fault = this.faults.shift() ?? this.alwaysFail;
    if (fault === 'destroy') {
      req.socket.destroy();
      return;
    }
    const reply = fault ?? this.replay(recorded);
    res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(7).toString('hex')}` });
    res.end(JSON.stringify(reply.body));
  }

  /** Stripe's idempotency: the first answer to a key is the answer to every retry with it. */
  private replay(req: RecordedRequest): Reply {
    const key = req.headers['idempotency-key'];
    const cacheKey = typeof key === 'string' ? `${req.path} ${key}` : null;
    const seen = cacheKey ? this.replies.get(cacheKey) : undefined;
    if (seen) return seen;
    const reply = this.route(req);
    if (cacheKey) this.replies.set(cacheKey, reply);
    return reply;
  }

  private route(req: RecordedRequest): Reply {
    if (req.method === 'POST' && req.path === '/v1/payment_intents') return this.createPaymentIntent(req.form);
    if (req.method === 'POST' && req.path === '/v1/refunds') return this.createRefund(req.form);
    return invalidRequest(404, `Unrecognized request URL (${req.method} ${req.path}).`, 'url_invalid', undefined);
  }

  private createPaymentIntent(form: Record<string, string>): Reply {
    const token = form['payment_method_data[card][token]'];
    const card = token ?? form.payment_method ?? '';
    const intent = paymentIntent(form);
    switch (card) {
      case 'tok_visa':
      case 'pm_card_visa':
        return { status: 200, body: { ...intent, status: 'succeeded' } };
      case 'tok_threeDSecure2Required':
        return { status: 200, body: { ...intent, status: 'requires_action', next_action: { type: 'use_stripe_sdk' } } };
      case 'tok_chargeDeclined':
        return cardError(intent, 'Your card was declined.', 'card_declined', 'generic_decline');
      case 'tok_chargeDeclinedInsufficientFunds':
        return cardError(intent, 'Your card has insufficient funds.', 'card_declined', 'insufficient_funds');
      case 'tok_chargeDeclinedExpiredCard':
        return cardError(intent, 'Your card has expired.', 'expired_card', undefined);
      default:
        return token !== undefined
          ? invalidRequest(400, `No such token: '${token}'`, 'resource_missing', 'payment_method_data[card][token]')
          : invalidRequest(400, `No such PaymentMethod: '${card}'`, 'resource_missing', 'payment_method');
    }
  }

  private createRefund(form: Record<string, string>): Reply {
    return {
      status: 200,
      body: {
        id: stripeId('re'),
        object: 'refund',
        amount: 0,
        currency: 'usd',
        metadata: {},
        payment_intent: form.payment_intent ?? null,
        status: 'succeeded',
      },
    };
  }
}

function paymentIntent(form: Record<string, string>): Record<string, unknown> {
  return {
    id: stripeId('pi'),
    object: 'payment_intent',
    amount: Number(form.amount),
    currency: form.currency,
    status: 'requires_payment_method',
    metadata: { orderId: form['metadata[orderId]'] },
    receipt_email: form.receipt_email ?? null,
    last_payment_error: null,
    livemode: false,
  };
}

function cardError(intent: Record<string, unknown>, message: string, code: string, declineCode: string | undefined): Reply {
  const error = { type: 'card_error', code, decline_code: declineCode, message, doc_url: `https://docs.stripe.com/error-codes/${code}` };
  // The declined PaymentIntent comes back inside the error, waiting for another payment method.
  return { status: 402, body: { error: { ...error, payment_intent: { ...intent, last_payment_error: error } } } };
}

function invalidRequest(status: number, message: string, code: string, param: string | undefined): Reply {
  return { status, body: { error: { type: 'invalid_request_error', code, message, param } } };
}

export function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}
