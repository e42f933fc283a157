import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startMarketplace, type Marketplace } from './marketplace-process';

/** Debian's Chromium (`apt-get install -y chromium`; .ci/run installs it): Playwright never downloads one here. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const SCREENSHOTS = resolve(__dirname, '../../test-output/screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without the networking flags Chromium keeps trying Google's services, which a closed network refuses.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** A browser user: their own context (cookies), one page, and every console error it logged. */
export interface Visitor {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions, except the HTTP statuses the test said to expect. */
  errors: string[];
}

const FAILED_RESOURCE = /Failed to load resource: the server responded with a status of (\d+)/;

/**
 * Opens a page that records console errors. Chromium logs every 4xx/5xx response as a console
 * error; `expectedStatuses` are the API answers a test provokes on purpose (a decline is a 402).
 */
export interface VisitorOptions {
  expectedStatuses?: number[];
  viewport?: { width: number; height: number };
}

export async function visitor(browser: Browser, base: string, opts: VisitorOptions = {}): Promise<Visitor> {
  const context = await browser.newContext({ baseURL: base, viewport: opts.viewport ?? { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const status = FAILED_RESOURCE.exec(msg.text())?.[1];
    const fromApi = new URL(msg.location().url || base, base).pathname.startsWith('/api/');
    if (status && fromApi && opts.expectedStatuses?.includes(Number(status))) return;
    errors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export interface BrowserSuite {
  /** The marketplace's URL. */
  readonly base: string;
  /** A new visitor (own cookies); its console errors fail the test that opened it. */
  open(opts?: VisitorOptions): Promise<Visitor>;
}

/**
 * A describe block's marketplace (`npm start` on a fresh data folder) and Chromium, started once;
 * after each test every page it opened must have logged no console error.
 */
export function browserSuite(env: NodeJS.ProcessEnv = {}, setup?: (base: string) => Promise<void>): BrowserSuite {
  let market: Marketplace | undefined;
  let browser: Browser | undefined;
  const visitors: Visitor[] = [];
  beforeAll(async () => {
    [market, browser] = await Promise.all([startMarketplace(env), launchBrowser()]);
    await setup?.(market.base);
  }, 180_000);
  afterEach(async () => {
    const errors = visitors.flatMap((v) => v.errors);
    await Promise.all(visitors.splice(0).map((v) => v.context.close()));
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await market?.stop();
  });
  return {
    get base() {
      return market!.base;
    },
    async open(opts = {}) {
      const v = await visitor(browser!, market!.base, opts);
      visitors.push(v);
      return v;
    },
  };
}
