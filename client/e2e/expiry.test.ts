import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot, visitor, type Visitor } from './browser';
import { listTicket, purchase, signUp, ticketStatus, uniqueEmail } from './journeys';
import { startMarketplace, type Marketplace } from './marketplace-process';

const LOCK_SECONDS = 5;

// An unpaid order runs out: the buyer watches the countdown reach zero, and the ticket is for sale again.
describe('an order that is not paid in time', () => {
  let market: Marketplace;
  let browser: Browser;
  const visitors: Visitor[] = [];

  beforeAll(async () => {
    [market, browser] = await Promise.all([
      startMarketplace({ ORDER_EXPIRATION_SECONDS: String(LOCK_SECONDS) }),
      launchBrowser(),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(visitors.map((v) => v.context.close()));
    await browser?.close();
    await market?.stop();
  });

  it('counts down to zero, says so, and releases the ticket to the next buyer', async () => {
    const seller = await visitor(browser, market.base);
    const buyer = await visitor(browser, market.base);
    const next = await visitor(browser, market.base);
    visitors.push(seller, buyer, next);
    await signUp(seller.page, uniqueEmail('seller'));
    const ticketPath = await listTicket(seller.page, 'Opera in the park', '60');

    await signUp(buyer.page, uniqueEmail('slow-buyer'));
    await purchase(buyer.page, ticketPath);
    await buyer.page.locator('.countdown').filter({ hasText: /^00:0[1-5]$/ }).waitFor();
    await buyer.page.locator('.countdown').filter({ hasText: '00:01' }).waitFor({ timeout: LOCK_SECONDS * 1000 + 2000 });
    await buyer.page.getByRole('heading', { name: 'Order expired' }).waitFor({ timeout: 3000 });
    expect(await buyer.page.getByRole('button', { name: 'Pay' }).count()).toBe(0);
    await screenshot(buyer.page, '14-order-expired');

    // The expiration service cancels the order and the ticket unlocks: buyable again.
    await buyer.page.getByRole('link', { name: 'Back to the ticket' }).click();
    await ticketStatus(buyer.page).filter({ hasText: 'Available' }).waitFor();

    await signUp(next.page, uniqueEmail('next-buyer'));
    const orderPath = await purchase(next.page, ticketPath);
    await next.page.getByLabel('Card token', { exact: true }).waitFor();
    expect(orderPath).toMatch(/^\/orders\//);
    // My orders shows the live order counting down.
    await next.page.getByRole('link', { name: 'My orders', exact: true }).click();
    const live = next.page.getByRole('listitem').filter({ hasText: 'Opera in the park' });
    await live.getByText('Awaiting payment').waitFor();
    await live.locator('.time-left').filter({ hasText: /^00:0[1-5] left$/ }).waitFor();
    await screenshot(next.page, '15-my-orders-live');

    await buyer.page.getByRole('link', { name: 'My orders', exact: true }).click();
    await buyer.page.getByRole('listitem').filter({ hasText: 'Opera in the park' }).getByText(/Expired|Cancelled/).waitFor();

    const errors = visitors.flatMap((v) => v.errors);
    expect(errors).toEqual([]);
  }, 90_000);
});
