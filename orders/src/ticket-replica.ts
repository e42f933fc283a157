import { RetryLaterError, type EventData, type Tx } from '@ticketyboo/common';
import type { TicketReplicaRepository } from './ticket-replica-repository';

/**
 * Applies ticket.created / ticket.updated strictly in version order: an old version is ignored,
 * and one that skips ahead waits (via redelivery) for the versions it skipped.
 */
export class TicketReplica {
  constructor(
    private readonly tickets: TicketReplicaRepository,
    /** Told, after commit, of each ticket applied: requests waiting for it wake at once. */
    private readonly onApplied: (ticketId: string) => void,
  ) {}

  async apply(tx: Tx, t: EventData<'ticket.created'>): Promise<void> {
    const next = { id: t.id, title: t.title, priceCents: t.priceCents, userId: t.userId, version: t.version };
    const current = await this.tickets.find(tx, t.id, { forUpdate: true });
    if (!current) {
      if (t.version !== 0) throw new RetryLaterError(`ticket ${t.id} v${t.version} before its creation`);
      await this.tickets.insert(tx, next);
      tx.afterCommit(() => this.onApplied(t.id));
      return;
    }
    if (t.version <= current.version) return;
    if (t.version > current.version + 1) {
      throw new RetryLaterError(`ticket ${t.id} v${t.version} ahead of v${current.version}`);
    }
    await this.tickets.update(tx, next);
    tx.afterCommit(() => this.onApplied(t.id));
  }
}
