import { baseConfig, positiveInt, type ConfigOf } from '@ticketyboo/common';

/** The orders service's environment. */
export const ordersConfig = baseConfig.extend({
  /** How long an order locks its ticket. */
  ORDER_EXPIRATION_SECONDS: positiveInt().default(900),
  /** How long a request waits for a just-created ticket (or a just-edited price) to reach the replica. */
  REPLICA_WAIT_MS: positiveInt().default(2000),
  /** Requests that may wait for the replica at once; beyond, one answers with what the replica has. */
  REPLICA_MAX_WAITERS: positiveInt().default(100),
  /** A waiting request re-reads this often, for what another replica's consumer applied (it wakes only its own). */
  REPLICA_RECHECK_MS: positiveInt().default(250),
  /** Live unpaid orders one buyer may hold at once (hoarding). */
  MAX_UNPAID_ORDERS: positiveInt().default(5),
  /** Orders one user may place per minute. */
  ORDERS_PER_USER_PER_MINUTE: positiveInt().default(30),
});

export type OrdersConfig = ConfigOf<typeof ordersConfig>;
