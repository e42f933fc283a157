import { randomUUID } from 'node:crypto';
import { eventually } from '@ticketyboo/common/testing';

export interface ApiResponse<T> {
  status: number;
  body: T;
  /** `session=…` when the response set the session cookie. */
  cookie?: string;
  /** Which replica answered (the local gateway says; `npm start` does not). */
  servedBy?: string;
}

export interface User {
  id: string;
  email: string;
  cookie: string;
}

export interface TicketJson {
  id: string;
  title: string;
  price: number;
  status: 'available' | 'locked' | 'sold';
  orderId: string | null;
  version: number;
}

export interface OrderJson {
  id: string;
  status: 'created' | 'complete' | 'cancelled';
  ticket: { id: string; price: number };
}

/** The public API as a browser (or the client's server side) calls it, at one base URL. */
export class Api {
  constructor(readonly base: string) {}

  async call<T = unknown>(method: string, path: string, opts: { body?: unknown; cookie?: string } = {}): Promise<ApiResponse<T>> {
    const res = await fetch(this.base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(opts.cookie ? { cookie: opts.cookie } : {}) },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
    const servedBy = res.headers.get('x-served-by') ?? undefined;
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, ...(cookie ? { cookie } : {}), ...(servedBy ? { servedBy } : {}) };
  }

  async signUp(label = 'user'): Promise<User> {
    const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
    const res = await this.call<{ id: string }>('POST', '/api/users/signup', { body: { email, password: 'a long password' } });
    if (res.status !== 201 || !res.cookie) throw new Error(`signup answered ${res.status}`);
    return { id: res.body.id, email, cookie: res.cookie };
  }

  async list(seller: User, title = 'A gig', price = 25): Promise<TicketJson> {
    const res = await this.call<TicketJson>('POST', '/api/tickets', { cookie: seller.cookie, body: { title, price } });
    if (res.status !== 201) throw new Error(`listing answered ${res.status}`);
    return res.body;
  }

  /** Places an order, waiting out the moment before a just-listed ticket reaches the orders service. */
  async order(buyer: User, ticketId: string): Promise<ApiResponse<OrderJson>> {
    return eventually(async () => {
      const res = await this.call<OrderJson>('POST', '/api/orders', { cookie: buyer.cookie, body: { ticketId } });
      return res.status === 404 ? undefined : res;
    }, 10_000);
  }

  pay(buyer: User, orderId: string, token = 'tok_visa'): Promise<ApiResponse<{ status: string }>> {
    return this.call('POST', '/api/payments', { cookie: buyer.cookie, body: { orderId, token } });
  }

  async ticket(id: string): Promise<TicketJson> {
    return (await this.call<TicketJson>('GET', `/api/tickets/${id}`)).body;
  }

  async orders(buyer: User): Promise<OrderJson[]> {
    return (await this.call<OrderJson[]>('GET', '/api/orders', { cookie: buyer.cookie })).body;
  }
}
