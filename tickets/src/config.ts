import { baseConfig, type ConfigOf } from '@ticketyboo/common';

/** The tickets service's environment: only what every service reads. */
export const ticketsConfig = baseConfig.extend({});

export type TicketsConfig = ConfigOf<typeof ticketsConfig>;
