import { z } from 'zod';
import { baseConfig, port, urlVar, type ConfigOf } from '@ticketyboo/common';

/** What both launchers read beyond a service's variables: where data lives, which PostgreSQL server. */
export const launcherConfig = baseConfig.extend({
  DATA_DIR: z.string().default('.data'),
  /** A PostgreSQL server of one's own; `npm start` without it runs the embedded one. */
  POSTGRES_URL: urlVar('postgres://postgres@127.0.0.1:5432/postgres').optional(),
  /** The embedded server's port; unset: any free one. */
  EMBEDDED_PG_PORT: port().optional(),
  DATABASE_PREFIX: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, { error: 'must be a lower-case SQL identifier' })
    .default('ticketyboo'),
});

export type LauncherConfig = ConfigOf<typeof launcherConfig>;
