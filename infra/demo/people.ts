/** The demo's accounts. Addresses are on the reserved example domains, so none can reach a real inbox. */

/** Every demo account signs in with this, so a newcomer can be any of them. */
export const DEMO_PASSWORD = 'ticketyboo-demo';

export const sellers: readonly string[] = [
  'maya.patel@example.com',
  'tom.oconnor@example.com',
  'sofia.garcia@example.net',
  'james.whitfield@example.org',
  'aisha.bello@example.com',
  'lukas.schmidt@example.net',
  'emily.chen@example.org',
  'daniel.reyes@example.com',
];

export const buyers: readonly string[] = [
  'priya.nair@example.com',
  'oliver.brooks@example.org',
  'hannah.kim@example.net',
  'marcus.johnson@example.com',
];
