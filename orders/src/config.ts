import { baseConfig, positiveInt, type ConfigOf } from '@ticketyboo/common';

/** The orders service's environment. */
export const ordersConfig = baseConfig.extend({
  /** How long an order locks its ticket. */
  ORDER_EXPIRATION_SECONDS: positiveInt().default(900),
  /** How long a request waits for a just-created ticket (or a just-edited price) to reach the replica. */
  REPLICA_WAIT_MS: positiveInt().default(2000),
});

export type OrdersConfig = ConfigOf<typeof ordersConfig>;
