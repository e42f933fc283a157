import type { Express } from 'express';
import request from 'supertest';
import { createHttpApp, createLogger, parseConfig, sessionRevocations, SessionTokens, type Service, type ServiceDefinition } from '@ticketyboo/common';
import { eventually, freshMemoryBus, freshPostgres, testJwtKey, type Disposable } from '@ticketyboo/common/testing';
import { authService } from '@ticketyboo/auth';
import { ticketsService } from '@ticketyboo/tickets';

const PASSWORD = 'correct horse battery';

/**
 * Auth and tickets as separate services: each its own database and HTTP app, asking its own
 * list of revoked sessions, meeting only on the bus. (The in-process marketplace asks auth's.)
 */
describe('a password change ends the other sessions in every service', () => {
  const owned: Disposable<unknown>[] = [];
  const started: Service[] = [];
  let auth: Express;
  let tickets: Express;

  beforeAll(async () => {
    const bus = freshMemoryBus();
    owned.push(bus);
    const tokens = new SessionTokens(testJwtKey());
    const start = async (definition: ServiceDefinition): Promise<Express> => {
      const db = await freshPostgres();
      owned.push(db);
      const log = createLogger('test');
      const service = definition.create({ db: db.value, bus: bus.value, log, tokens, config: parseConfig(definition.config, {}) });
      await service.start();
      started.push(service);
      return createHttpApp({ log, tokens, isRevoked: (sid) => sessionRevocations.isRevoked(db.value, sid), mounts: service.mounts });
    };
    auth = await start(authService);
    tickets = await start(ticketsService);
  });
  afterAll(async () => {
    for (const s of started.reverse()) await s.stop();
    for (const d of owned.reverse()) await d.dispose();
  });

  const cookieOf = (res: request.Response) =>
    (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('session='))!.split(';')[0]!;
  const list = (cookie: string, title: string) => request(tickets).post('/api/tickets').set('Cookie', cookie).send({ title, price: 10 });

  it('refuses a ticket from the old cookie of another browser, and takes one from the browser that changed the password', async () => {
    const email = `owner-${Date.now()}@example.com`;
    const laptop = cookieOf(await request(auth).post('/api/users/signup').send({ email, password: PASSWORD }).expect(201));
    const stolen = cookieOf(await request(auth).post('/api/users/signin').send({ email, password: PASSWORD }).expect(200));
    const ticket = (await list(stolen, 'Before the change').expect(201)).body as { id: string };
    const edit = (cookie: string) =>
      request(tickets).put(`/api/tickets/${ticket.id}`).set('Cookie', cookie).send({ title: 'Edited', price: 10 });

    const changed = await request(auth)
      .patch('/api/users/currentuser')
      .set('Cookie', laptop)
      .send({ currentPassword: PASSWORD, password: 'a brand new secret' })
      .expect(200);
    const renewed = cookieOf(changed);

    // Tickets learns of it from the bus, as soon as auth's outbox relays it.
    await eventually(async () => ((await edit(stolen)).status === 401 ? true : undefined));
    await list(stolen, 'After the change').expect(401);
    await list(laptop, 'Replaced cookie').expect(401);
    const listed = await list(renewed, 'From the changing browser').expect(201);
    expect(listed.body).toMatchObject({ title: 'From the changing browser', userId: changed.body.id });
  });
});
