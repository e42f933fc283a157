import { ReplicaWaiters } from './replica-waiters';

describe('ReplicaWaiters', () => {
  it("finds what another replica's consumer applied by re-reading, without being woken", async () => {
    const waiters = new ReplicaWaiters(10, 20);
    let reads = 0;
    // Present from the third read on; nobody calls applied(): another process applied it.
    const read = () => Promise.resolve(++reads >= 3 ? 'ticket' : undefined);
    await expect(waiters.waitFor('t1', read, (v) => v !== undefined, 60_000)).resolves.toBe('ticket');
    expect(reads).toBe(3);
  });

  it('is woken by applied() at once, before any re-read is due', async () => {
    const waiters = new ReplicaWaiters(10, 60_000);
    let present = false;
    let reads = 0;
    const read = () => Promise.resolve(++reads && present ? 'order' : undefined);
    const waiting = waiters.waitFor('o1', read, (v) => v !== undefined, 60_000);
    await new Promise((r) => setImmediate(r));
    present = true;
    waiters.applied('o1');
    await expect(waiting).resolves.toBe('order');
    expect(reads).toBe(3);
  });

  it('answers at once with what there is once maxWaiters requests are waiting', async () => {
    const waiters = new ReplicaWaiters(1, 60_000);
    let arrived = false;
    const read = () => Promise.resolve(arrived ? 'listing' : undefined);
    const first = waiters.waitFor('a', read, (v) => v !== undefined, 60_000);
    await new Promise((r) => setImmediate(r));
    await expect(waiters.waitFor('b', read, (v) => v !== undefined, 60_000)).resolves.toBeUndefined();
    arrived = true;
    waiters.applied('a');
    await expect(first).resolves.toBe('listing');
  });
});
