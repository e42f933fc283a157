import { z } from 'zod';
import { baseConfig, type ConfigOf } from '@ticketyboo/common';

/** What the launchers read beyond a service's variables: where the data and the generated key live. */
export const launcherConfig = baseConfig.extend({
  DATA_DIR: z.string().default('.data'),
});

export type LauncherConfig = ConfigOf<typeof launcherConfig>;
