import { Router, type Request } from 'express';
import { z } from 'zod';
import { hasVisibleCharacter, lineOfText, NotFoundError, priceInCents, requireAuth, userOf, validate } from '@ticketyboo/common';
import { toJson } from './ticket';
import type { TicketService } from './ticket-service';

const TicketInput = z.object(
  {
    title: lineOfText('Title')
      .min(1, { error: 'Title is required', abort: true })
      .max(200, { error: 'Title must be at most 200 characters', abort: true })
      .refine(hasVisibleCharacter, { error: 'Title must have a visible character' }),
    price: priceInCents,
  },
  { error: 'Request body must be a JSON object' },
);

const MAX_BIGINT = 2n ** 63n - 1n;

const ListParams = z.object({
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: 'limit must be between 1 and 200' })
    .max(200, { error: 'limit must be between 1 and 200' })
    .default(50),
  q: lineOfText('q').max(200).optional(),
  sellerId: z.uuid({ error: 'sellerId must be a user id' }).optional(),
  cursor: z
    .string()
    // Only what nextLink writes: Buffer's decoder would skip any other character instead of failing.
    .regex(/^[\w-]{1,40}$/, { error: 'cursor is not valid' })
    .transform((c) => Buffer.from(c, 'base64url').toString())
    // A listing sequence is a bigint: more digits, or a larger number, is no cursor we made.
    .refine((s) => /^\d{1,19}$/.test(s) && BigInt(s) <= MAX_BIGINT, { error: 'cursor is not valid' })
    .optional(),
});

const ticketId = z.uuid();

/** A malformed id names no ticket: 404, not 400. */
function idOf(req: Request): string {
  const parsed = ticketId.safeParse(req.params.id);
  if (!parsed.success) throw new NotFoundError('Ticket not found');
  return parsed.data;
}

function nextLink(req: Request, params: z.infer<typeof ListParams>, lastSeq: string): string {
  const qs = new URLSearchParams();
  qs.set('limit', String(params.limit));
  if (params.q) qs.set('q', params.q);
  if (params.sellerId) qs.set('sellerId', params.sellerId);
  qs.set('cursor', Buffer.from(lastSeq).toString('base64url'));
  return `<${req.baseUrl}?${qs.toString()}>; rel="next"`;
}

export function ticketRoutes(tickets: TicketService): Router {
  const r = Router();

  r.post('/', requireAuth, async (req, res) => {
    const input = validate(TicketInput, req.body);
    const ticket = await tickets.create(userOf(req).id, { title: input.title, priceCents: input.price });
    res.status(201).json(toJson(ticket));
  });

  r.get('/', async (req, res) => {
    const params = validate(ListParams, req.query);
    // One extra row tells whether there is a next page without counting.
    const rows = await tickets.list({
      limit: params.limit + 1,
      beforeSeq: params.cursor,
      search: params.q || undefined,
      sellerId: params.sellerId,
    });
    const page = rows.slice(0, params.limit);
    if (rows.length > params.limit) res.set('Link', nextLink(req, params, page[page.length - 1]!.seq));
    res.json(page.map(toJson));
  });

  r.get('/:id', async (req, res) => {
    res.json(toJson(await tickets.get(idOf(req))));
  });

  r.put('/:id', requireAuth, async (req, res) => {
    const id = idOf(req);
    const input = validate(TicketInput, req.body);
    const ticket = await tickets.update(id, userOf(req).id, { title: input.title, priceCents: input.price });
    res.json(toJson(ticket));
  });

  r.get('/:id/prices', async (req, res) => {
    const history = await tickets.prices(idOf(req));
    res.json(history.map((p) => ({ price: p.priceCents / 100, at: p.at.toISOString() })));
  });

  return r;
}
