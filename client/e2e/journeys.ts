import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';

/** What a person does in the browser, step by step, the way they would do it. */

export const uniqueEmail = (who: string): string => `${who}-${randomBytes(4).toString('hex')}@example.com`;
export const PASSWORD = 'correct horse battery';

export async function signUp(page: Page, email: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign up', exact: true }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  // Signed in: the header shows who.
  await page.getByRole('navigation', { name: 'Account' }).getByText(email).waitFor();
}

/** Lists a ticket from the Sell page and returns its page's path. */
export async function listTicket(page: Page, title: string, price: string): Promise<string> {
  await page.getByRole('link', { name: 'Sell tickets' }).click();
  await page.getByRole('heading', { name: 'Sell a ticket' }).waitFor();
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Price', { exact: true }).fill(price);
  await page.getByRole('button', { name: 'List ticket' }).click();
  await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: title }).waitFor();
  return new URL(page.url()).pathname;
}

/** From a ticket's page: Purchase, and arrive on the new order's page. Returns its path. */
export async function purchase(page: Page, ticketPath: string): Promise<string> {
  await page.goto(ticketPath);
  const button = page.getByRole('button', { name: 'Purchase' });
  await waitUntil(() => button.isEnabled());
  await button.click();
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname;
}

/** The status badge text on a ticket page. */
export function ticketStatus(page: Page) {
  return page.locator('.ticket-status .badge');
}

/** Presses Tab until the focused element is the one named `name` (its text or its label): keyboard-only use. */
export async function tabTo(page: Page, name: string, maxPresses = 30): Promise<void> {
  const focusedName = `(() => {
    const el = document.activeElement;
    if (!el) return '';
    const label = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
    return (label ? label.textContent : el.textContent || '').trim();
  })()`;
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate<string>(focusedName)) === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

/** Polls a condition the page cannot express as an element to wait for (a button becoming enabled). */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
