import { browserSuite, screenshot } from './browser';
import { listTicket, purchase, signUp, tabTo, ticketStatus, uniqueEmail, waitUntil } from './journeys';

// Both sides of a sale in real Chromium against `npm start`, with time enough to pay.
describe('the marketplace in a browser', () => {
  const market = browserSuite({ ORDER_EXPIRATION_SECONDS: '120' });
  const open = (opts?: Parameters<typeof market.open>[0]) => market.open(opts);

  it('a seller lists, a buyer purchases and pays with tok_visa, and others see it sold', async () => {
    const anon = await open();
    await anon.page.goto('/');
    await anon.page.getByText('No tickets for sale right now.').waitFor();
    await screenshot(anon.page, '01-home-empty');

    const seller = await open();
    const sellerEmail = uniqueEmail('seller');
    await anon.page.goto('/signup');
    await screenshot(anon.page, '02-sign-up');
    await signUp(seller.page, sellerEmail);
    await seller.page.getByRole('link', { name: 'Sell tickets' }).click();
    await seller.page.getByRole('heading', { name: 'Sell a ticket' }).waitFor();
    await seller.page.getByLabel('Title', { exact: true }).fill('Glastonbury Friday');
    await seller.page.getByLabel('Price', { exact: true }).fill('120.5');
    await seller.page.getByLabel('Price', { exact: true }).blur();
    expect(await seller.page.getByLabel('Price', { exact: true }).inputValue()).toBe('120.50');
    await screenshot(seller.page, '03-sell');
    await seller.page.getByRole('button', { name: 'List ticket' }).click();
    await seller.page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    const ticketPath = new URL(seller.page.url()).pathname;
    await seller.page.getByText('$120.50').waitFor();
    expect(await seller.page.getByRole('button', { name: 'Purchase' }).isDisabled()).toBe(true);
    await seller.page.getByText('This is your listing').waitFor();

    // The seller changes the price while nobody is buying: the chart gets a second point.
    await seller.page.getByRole('link', { name: 'My listings' }).click();
    const row = seller.page.getByRole('listitem').filter({ hasText: 'Glastonbury Friday' });
    await row.getByLabel('Price for Glastonbury Friday').fill('99');
    await row.getByRole('button', { name: 'Save price' }).click();
    await row.getByText('Saved: now $99.00').waitFor();

    // Anyone sees it on the home page and finds it by searching.
    await anon.page.goto('/');
    await anon.page.getByRole('link', { name: 'Glastonbury Friday' }).waitFor();
    await anon.page.getByLabel('Search tickets by title').fill('glasto');
    await anon.page.getByRole('button', { name: 'Search' }).click();
    await anon.page.getByRole('heading', { name: /matching “glasto”/ }).waitFor();
    await anon.page.getByRole('link', { name: 'Glastonbury Friday' }).waitFor();
    await screenshot(anon.page, '04-home-search');

    const buyer = await open();
    await signUp(buyer.page, uniqueEmail('buyer'));
    await buyer.page.goto(ticketPath);
    await buyer.page.getByText('$99.00').first().waitFor();
    await buyer.page.locator('.recharts-line').waitFor();
    await screenshot(buyer.page, '05-ticket-available');

    // The seller watches their ticket's page while the buyer reserves it.
    await seller.page.goto(ticketPath);
    await ticketStatus(seller.page).filter({ hasText: 'Available' }).waitFor();
    const orderPath = await purchase(buyer.page, ticketPath);
    await ticketStatus(seller.page).filter({ hasText: 'Reserved' }).waitFor({ timeout: 3000 });

    await buyer.page.getByText('Time left to pay').waitFor();
    await buyer.page.locator('.countdown').filter({ hasText: /^0[01]:\d\d$/ }).waitFor();
    expect(await buyer.page.getByLabel('Card token', { exact: true }).inputValue()).toBe('tok_visa');
    await screenshot(buyer.page, '06-order-pay');

    // Locked: the seller cannot change the price, and is told why.
    await seller.page.goto('/listings');
    const lockedRow = seller.page.getByRole('listitem').filter({ hasText: 'Glastonbury Friday' });
    await lockedRow.getByText('A buyer is paying for it').waitFor();
    expect(await lockedRow.getByRole('button', { name: 'Save price' }).isDisabled()).toBe(true);
    await screenshot(seller.page, '07-my-listings-locked');
    await seller.page.goto(ticketPath);

    await buyer.page.getByRole('button', { name: 'Pay' }).click();
    await buyer.page.getByText('Complete', { exact: true }).waitFor();
    await screenshot(buyer.page, '08-order-complete');
    await ticketStatus(seller.page).filter({ hasText: 'Sold' }).waitFor({ timeout: 3000 });

    // Another buyer finds it sold and cannot purchase it.
    const late = await open();
    await signUp(late.page, uniqueEmail('late'));
    await late.page.goto(ticketPath);
    await ticketStatus(late.page).filter({ hasText: 'Sold' }).waitFor();
    expect(await late.page.getByRole('button', { name: 'Purchase' }).isDisabled()).toBe(true);
    await late.page.getByText('This ticket has been sold.').waitFor();
    await late.page.goto('/');
    await late.page.getByText('No tickets for sale right now.').waitFor();

    await buyer.page.getByRole('link', { name: 'My orders', exact: true }).click();
    const orderRow = buyer.page.getByRole('listitem').filter({ hasText: 'Glastonbury Friday' });
    await orderRow.getByText('Complete').waitFor();
    await orderRow.getByText('$99.00').waitFor();
    expect(await orderRow.getByRole('link').getAttribute('href')).toBe(orderPath);
    await screenshot(buyer.page, '09-my-orders');

    await seller.page.goto('/listings');
    await seller.page.getByText('Sold tickets keep the price they sold for.').waitFor();

    await buyer.page.getByRole('button', { name: 'Sign out' }).click();
    await buyer.page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  }, 120_000);

  it('a declined card shows the processor’s message and the order cancelled; the ticket is for sale again', async () => {
    const seller = await open();
    await signUp(seller.page, uniqueEmail('seller'));
    const ticketPath = await listTicket(seller.page, 'Jazz at the Barbican', '35');

    // The decline is an HTTP 402 from the payments API, which Chromium logs; nothing else may be.
    const buyer = await open({ expectedStatuses: [402] });
    await signUp(buyer.page, uniqueEmail('buyer'));
    // This buyer uses only the keyboard: Tab to Purchase, then to the card token, Enter to pay.
    await buyer.page.goto(ticketPath);
    await ticketStatus(buyer.page).filter({ hasText: 'Available' }).waitFor();
    await tabTo(buyer.page, 'Purchase');
    await buyer.page.keyboard.press('Enter');
    await buyer.page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await buyer.page.getByLabel('Card token', { exact: true }).waitFor();
    await tabTo(buyer.page, 'Card token');
    await buyer.page.keyboard.press('ControlOrMeta+A');
    await buyer.page.keyboard.type('tok_chargeDeclined');
    await buyer.page.keyboard.press('Enter');
    await buyer.page.getByText('Your card was declined.').waitFor();
    await buyer.page.getByText('the order was cancelled').waitFor();
    await screenshot(buyer.page, '10-order-declined');

    await buyer.page.getByRole('link', { name: 'Back to the ticket' }).click();
    await ticketStatus(buyer.page).filter({ hasText: 'Available' }).waitFor();
    const button = buyer.page.getByRole('button', { name: 'Purchase' });
    await waitUntil(() => button.isEnabled());

    await buyer.page.getByRole('link', { name: 'My orders', exact: true }).click();
    await buyer.page.getByRole('listitem').filter({ hasText: 'Jazz at the Barbican' }).getByText('Cancelled').waitFor();
  }, 90_000);

  it('sign-in and listing errors appear next to the field they name', async () => {
    // 400 and 401 are the API's answers to the bad input this test types.
    const v = await open({ expectedStatuses: [400, 401] });
    await v.page.goto('/signin');
    await v.page.getByLabel('Email', { exact: true }).fill('nobody@example.com');
    await v.page.getByLabel('Password', { exact: true }).fill('wrong password');
    await v.page.getByRole('button', { name: 'Sign in' }).click();
    await v.page.getByRole('alert').getByText('Invalid credentials').waitFor();

    await v.page.goto('/signup');
    await v.page.getByLabel('Email', { exact: true }).fill('not an email');
    await v.page.getByLabel('Password', { exact: true }).fill('short');
    await v.page.getByRole('button', { name: 'Sign up' }).click();
    const email = v.page.getByLabel('Email', { exact: true });
    await v.page.locator('#email-error').waitFor();
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    await screenshot(v.page, '11-sign-up-errors');

    // A page only for the signed-in sends the visitor to sign in, and back afterwards.
    await v.page.goto('/sell');
    await v.page.waitForURL(/\/signin\?next=%2Fsell$/);
    await v.page.getByRole('link', { name: 'Create an account' }).click();
    await v.page.getByRole('heading', { name: 'Sign up' }).waitFor();
    await v.page.getByLabel('Email', { exact: true }).fill(uniqueEmail('newcomer'));
    await v.page.getByLabel('Password', { exact: true }).fill('a long enough password');
    await v.page.getByRole('button', { name: 'Sign up' }).click();
    await v.page.waitForURL(/\/sell$/);
    await v.page.getByRole('button', { name: 'List ticket' }).click();
    await v.page.locator('#title-error').getByText('Title is required').waitFor();
    await v.page.locator('#price-error').getByText('Price must be a number').waitFor();
  }, 60_000);

  it('answers a list page whose cursor or search the API refuses with not-found, never a 500', async () => {
    const beyondBigint = Buffer.from('9999999999999999999').toString('base64url');
    const page = (path: string, cookie?: string) => fetch(`${market.base}${path}`, cookie ? { headers: { cookie } } : {});
    for (const path of [`/?cursor=${beyondBigint}`, '/?q=%00', '/?q=gig%1B%5B2J', '/?cursor=%E2%80%AE']) {
      const res = await page(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(await res.text()).toContain('Not found');
    }
    const signup = await fetch(`${market.base}/api/users/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail('pager'), password: 'a long enough password' }),
    });
    const cookie = signup.headers.getSetCookie()[0]!.split(';')[0]!;
    expect((await page(`/listings?cursor=${beyondBigint}`, cookie)).status).toBe(404);
    expect((await page('/listings', cookie)).status).toBe(200);
  }, 60_000);

  it('is readable on a phone', async () => {
    const seller = await open({ viewport: { width: 390, height: 844 } });
    await signUp(seller.page, uniqueEmail('phone'));
    const ticketPath = await listTicket(seller.page, 'Cup final, block 112, row K', '250');
    await seller.page.goto('/');
    await screenshot(seller.page, '12-phone-home');
    await seller.page.goto(ticketPath);
    await seller.page.locator('.recharts-line').waitFor({ state: 'attached' });
    await screenshot(seller.page, '13-phone-ticket');
    // Nothing wider than the screen: no sideways scrolling.
    const overflow = await seller.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  }, 60_000);
});
