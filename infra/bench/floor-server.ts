import express from 'express';
import pg from 'pg';

/**
 * The floors the marketplace is measured against, each the least an endpoint of its kind can do:
 * `json` answers a small JSON document (floor A); `lock` takes a ticket with one conditional
 * UPDATE on PostgreSQL through a pg pool (floor B). Prints its URL once listening.
 */
function main(): void {
  const mode = process.argv[2];
  const app = express();
  app.use(express.json());
  if (mode === 'json') {
    app.get('/', (_req, res) => {
      res.json({ ok: true, tickets: [] });
    });
  } else if (mode === 'lock') {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
    app.post('/', async (req, res) => {
      const { ticketId } = req.body as { ticketId: string };
      const { rowCount } = await pool.query(
        'UPDATE floor_tickets SET order_id = gen_random_uuid() WHERE id = $1 AND order_id IS NULL',
        [ticketId],
      );
      res.status(rowCount ? 201 : 409).json({ ticketId });
    });
  } else {
    throw new Error('usage: floor-server json|lock');
  }
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') console.log(`http://localhost:${address.port}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main();
