import { baseConfig, positiveInt, type ConfigOf } from '@ticketyboo/common';

/** The tickets service's environment. */
export const ticketsConfig = baseConfig.extend({
  /** Listings one user may create per minute. */
  LISTINGS_PER_USER_PER_MINUTE: positiveInt().default(30),
});

export type TicketsConfig = ConfigOf<typeof ticketsConfig>;
