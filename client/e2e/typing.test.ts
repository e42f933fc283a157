import type { Locator, Page } from 'playwright-core';
import { browserSuite } from './browser';
import { listTicket, PASSWORD, purchase, signUp, uniqueEmail } from './journeys';

/**
 * A person (or a password manager) types the moment a field appears, while the page's data may
 * still be arriving: every key must stay typed. `pressSequentially` waits only for the field to
 * be there, then types a key at a time, as a person does.
 */
async function typeAtOnce(field: Locator, text: string): Promise<void> {
  await field.pressSequentially(text, { delay: 30 });
}

/** A slow phone: rendering and hydration take several times longer, which widens any race. */
async function slowCpu(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
}

describe('typing into a form as soon as it appears', () => {
  const market = browserSuite({ ORDER_EXPIRATION_SECONDS: '120' });
  const open = async (expectedStatuses: number[] = []) => {
    const v = await market.open({ expectedStatuses });
    await slowCpu(v.page);
    return v;
  };

  it('sign up, sign in, sell and search keep what was typed at once', async () => {
    const { page } = await open();
    const email = uniqueEmail('quick');
    const nav = page.getByRole('navigation', { name: 'Account' });
    const emailField = page.getByLabel('Email', { exact: true });
    const passwordField = page.getByLabel('Password', { exact: true });

    await page.goto('/');
    await nav.getByRole('link', { name: 'Sign up', exact: true }).click();
    await typeAtOnce(emailField, email);
    await typeAtOnce(passwordField, PASSWORD);
    expect([await emailField.inputValue(), await passwordField.inputValue()]).toEqual([email, PASSWORD]);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await nav.getByText(email).waitFor();

    // Straight from the page the sign-up reloaded to: Sell tickets, and type.
    await nav.getByRole('link', { name: 'Sell tickets' }).click();
    const title = page.getByLabel('Title', { exact: true });
    const price = page.getByLabel('Price', { exact: true });
    await typeAtOnce(title, 'Typed at once');
    await typeAtOnce(price, '42');
    expect([await title.inputValue(), await price.inputValue()]).toEqual(['Typed at once', '42']);
    await page.getByRole('button', { name: 'List ticket' }).click();
    await page.getByRole('heading', { name: 'Typed at once' }).waitFor();
    await page.getByText('$42.00').first().waitFor();

    await page.getByRole('link', { name: 'Ticketyboo', exact: true }).click();
    const search = page.getByLabel('Search tickets by title');
    await typeAtOnce(search, 'typed');
    expect(await search.inputValue()).toBe('typed');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: /matching “typed”/ }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await nav.getByRole('link', { name: 'Sign in', exact: true }).click();
    await typeAtOnce(emailField, email);
    await typeAtOnce(passwordField, PASSWORD);
    expect([await emailField.inputValue(), await passwordField.inputValue()]).toEqual([email, PASSWORD]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await nav.getByText(email).waitFor();
  }, 120_000);

  it('a new price and a card token typed at once are the ones used', async () => {
    const seller = await open();
    await signUp(seller.page, uniqueEmail('seller'));
    const ticketPath = await listTicket(seller.page, 'Repriced at once', '30');
    await seller.page.getByRole('link', { name: 'My listings' }).click();
    const row = seller.page.getByRole('listitem').filter({ hasText: 'Repriced at once' });
    const newPrice = row.getByLabel('Price for Repriced at once');
    await newPrice.selectText();
    await typeAtOnce(newPrice, '31');
    expect(await newPrice.inputValue()).toBe('31');
    await row.getByRole('button', { name: 'Save price' }).click();
    await row.getByText('Saved: now $31.00').waitFor();

    // A typed decline token, not the tok_visa the field starts with: the answer proves which was sent.
    const buyer = await open([402]);
    await signUp(buyer.page, uniqueEmail('buyer'));
    await purchase(buyer.page, ticketPath);
    const token = buyer.page.getByLabel('Card token', { exact: true });
    await token.selectText();
    await typeAtOnce(token, 'tok_chargeDeclined');
    expect(await token.inputValue()).toBe('tok_chargeDeclined');
    await buyer.page.getByRole('button', { name: 'Pay' }).click();
    await buyer.page.getByText('Your card was declined.').waitFor();
  }, 120_000);
});
