import { DEMO_PASSWORD } from './people';
import type { DemoResult } from './run-demo';

/** What a newcomer needs next: what the marketplace holds now, and who to sign in as. */
export function summary(result: DemoResult, url: string): string {
  const list = (accounts: { email: string }[]) => accounts.map((a) => `    ${a.email}`).join('\n');
  return [
    `Created ${result.listings} listings by ${result.sellers.length} sellers: ${result.repriced} with a price history, ` +
      `${result.sold} sold, ${result.held} held by an unpaid order until it expires.`,
    '',
    `Open ${url} and sign in as any demo account with the password ${DEMO_PASSWORD}`,
    `  sellers:\n${list(result.sellers)}`,
    `  buyers:\n${list(result.buyers)}`,
  ].join('\n');
}
