import { Router, type Request } from 'express';
import { z } from 'zod';
import { NotFoundError, priceInCents, requireAuth, userOf, validate } from '@ticketyboo/common';
import { toJson } from './order';
import type { OrderService } from './order-service';

const NewOrder = z.object(
  {
    ticketId: z.uuid({ error: 'ticketId must be a ticket id' }),
    /** The price the buyer was shown; when given, the order is placed at that price or not at all. */
    price: priceInCents.optional(),
  },
  { error: 'Request body must be a JSON object' },
);

const orderId = z.uuid();

function idOf(req: Request): string {
  const parsed = orderId.safeParse(req.params.id);
  if (!parsed.success) throw new NotFoundError('Order not found');
  return parsed.data;
}

export function orderRoutes(orders: OrderService): Router {
  const r = Router();
  r.use(requireAuth);

  r.post('/', async (req, res) => {
    const { ticketId, price } = validate(NewOrder, req.body);
    res.status(201).json(toJson(await orders.place(userOf(req).id, ticketId, price)));
  });

  r.get('/', async (req, res) => {
    res.json((await orders.listFor(userOf(req).id)).map(toJson));
  });

  r.get('/:id', async (req, res) => {
    res.json(toJson(await orders.getFor(userOf(req).id, idOf(req))));
  });

  r.delete('/:id', async (req, res) => {
    res.json(toJson(await orders.cancel(userOf(req).id, idOf(req))));
  });

  return r;
}
