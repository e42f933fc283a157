import request from 'supertest';
import type { Queryable, QueryResult, Row } from '@ticketyboo/common';
import { startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { ticketsService } from './tickets-service';
import { TicketRepository } from './ticket-repository';
import type { TicketJson } from './ticket';

const TICKETS = 100_000;
const PAGE = 50;

/** Remembers the statements a repository runs, so the test can EXPLAIN exactly those. */
class Recorder implements Queryable {
  last: { sql: string; params: readonly unknown[] } | undefined;
  constructor(private readonly inner: Queryable) {}
  query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    this.last = { sql, params };
    return this.inner.query<R>(sql, params);
  }
  exec(sql: string): Promise<void> {
    return this.inner.exec(sql);
  }
}

function planNodes(plan: unknown): string[] {
  const node = plan as { 'Node Type': string; Plans?: unknown[] };
  return [node['Node Type'], ...(node.Plans ?? []).flatMap(planNodes)];
}

describe('listing 100,000 tickets on PostgreSQL', () => {
  let h: ServiceHarness;

  beforeAll(async () => {
    h = await startService(ticketsService, { bus: 'memory' });
    // Seeded in SQL: the point is the read path, not 100,000 HTTP calls. Every tenth is sold.
    await h.db.query(
      `INSERT INTO tickets (id, title, price_cents, user_id, order_id, status)
       SELECT gen_random_uuid(), 'Seeded show ' || i, 1000 + i, gen_random_uuid(),
              CASE WHEN i % 10 = 0 THEN gen_random_uuid() END,
              CASE WHEN i % 10 = 0 THEN 'sold' ELSE 'available' END
       FROM generate_series(1, $1) AS i`,
      [TICKETS],
    );
    await h.db.query('ANALYZE tickets');
  }, 120_000);
  afterAll(() => h.dispose());

  async function explain(beforeSeq: string | undefined): Promise<string[]> {
    const recorder = new Recorder(h.db);
    await new TicketRepository().list(recorder, { limit: PAGE + 1, beforeSeq });
    const { sql, params } = recorder.last!;
    const { rows } = await h.db.query<{ 'QUERY PLAN': [{ Plan: unknown }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    return planNodes(rows[0]!['QUERY PLAN'][0].Plan);
  }

  it('serves the first and the 500th page from the index, without a sequential scan', async () => {
    // The cursor of page 500 is the last ticket of page 499.
    const { rows } = await h.db.query<{ seq: string }>(
      `SELECT seq FROM tickets WHERE status = 'available' ORDER BY seq DESC OFFSET $1 LIMIT 1`,
      [PAGE * 499 - 1],
    );
    const cursorSeq = rows[0]!.seq;
    for (const nodes of [await explain(undefined), await explain(cursorSeq)]) {
      expect(nodes).not.toContain('Seq Scan');
      expect(nodes.some((n) => n.startsWith('Index'))).toBe(true);
    }

    const first = await request(h.app).get(`/api/tickets?limit=${PAGE}`).expect(200);
    const deep = await request(h.app)
      .get(`/api/tickets?limit=${PAGE}&cursor=${Buffer.from(cursorSeq).toString('base64url')}`)
      .expect(200);
    const titles = (r: request.Response) => (r.body as TicketJson[]).map((t) => t.title);
    expect(titles(first)[0]).toBe(`Seeded show ${TICKETS - 1}`);
    // Page 500 starts 24,950 available tickets down; 9 in 10 are available.
    const expected = await h.db.query<{ title: string }>(
      `SELECT title FROM tickets WHERE status = 'available' ORDER BY seq DESC OFFSET $1 LIMIT $2`,
      [PAGE * 499, PAGE],
    );
    expect(titles(deep)).toEqual(expected.rows.map((r) => r.title));
    expect(deep.headers.link).toMatch(/rel="next"/);
  });
});
