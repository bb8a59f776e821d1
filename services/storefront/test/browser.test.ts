/// <reference lib="dom" />
/**
 * The storefront in a real headless Chromium (Debian's chromium driven by playwright-core; no
 * downloaded browser), against the whole platform started once for every case: its own vhost and
 * broker users, embedded databases in a temporary folder, the simulated Stripe. Everything the
 * browser does goes through the storefront's /api -> the gateway. Screenshots of every page go to
 * test-artifacts/storefront/ (gitignored; CI keeps them as artifacts).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDevKeys } from '@kada/service-kit';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrokerSetup, randomPasswords, setUpBroker } from '../../../scripts/broker-setup.ts';
import { Platform } from '../../../scripts/platform.ts';
import { buildStorefront, type RunningStorefront, startStorefront } from '../../../scripts/storefront.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../../..');
const ARTIFACTS = join(ROOT, 'test-artifacts/storefront');
const haveChromium = existsSync(CHROMIUM);
const mustRun = process.env.CI === 'true';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

if (!haveChromium && !mustRun) {
  console.warn(
    `storefront browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium); in CI (CI=true) it runs and fails instead.`,
  );
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

describe.skipIf(!haveChromium && !mustRun)('storefront in headless Chromium', () => {
  const run = randomUUID().slice(0, 8);
  const tmp = mkdtempSync(join(tmpdir(), 'kada-storefront-'));
  const mailDir = join(tmp, 'mail');
  const logs: string[] = [];
  const problems: string[] = [];
  let broker: BrokerSetup | undefined;
  let platform: Platform;
  let storefront: RunningStorefront | undefined;
  let browser: Browser;
  const password = `pw-${randomUUID()}`;
  /** Shared by the cases, in order: the seller's product, and the buyer's session. */
  let seller: { email: string; context: BrowserContext; page: Page };
  let buyer: { email: string; context: BrowserContext; page: Page };
  let productName = '';
  let scarceName = '';

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  async function newPage(viewport: { width: number; height: number }) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
    return { context, page };
  }

  /** Signs up through the form, opens the verification link from the development mail page, logs in. */
  async function signUpVerifyLogIn(page: Page, role: 'buyer' | 'seller', email: string): Promise<void> {
    await page.goto(`${storefront?.url}/signup`);
    await page.getByLabel('Name').fill(`Browser ${role}`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByLabel('I want to').selectOption(role);
    await shot(page, `${role}-01-signup`);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByTestId('signup-done').waitFor();
    await shot(page, `${role}-02-check-your-mail`);

    // The notification service writes the mail a moment later: reload the outbox page until it is
    // there (up to about two minutes: the suite may run on a loaded machine).
    const mail = page.getByTestId('mail').filter({ hasText: email });
    for (let i = 0; i < 240 && (await mail.count()) === 0; i++) {
      await page.goto(`${storefront?.url}/dev/mail`);
      if ((await mail.count()) === 0) await page.waitForTimeout(500);
    }
    await shot(page, `${role}-03-dev-mail`);
    await mail
      .first()
      .getByRole('link', { name: /verify-email\?token=/ })
      .click();
    await page.getByTestId('verified').waitFor();
    await shot(page, `${role}-04-verified`);

    await page.goto(`${storefront?.url}/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
  }

  /** From the shop's search to the order page; the product may take a moment to reach the order service. */
  async function order(page: Page, name: string, quantity: number, cardNumber: string, shots: string) {
    await page.goto(`${storefront?.url}/`);
    await page.getByLabel('Search products').fill(name);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('product-card').filter({ hasText: name }).getByRole('link').click();
    await page.getByRole('button', { name: 'Add to cart' }).waitFor();
    await page.getByLabel('Quantity').fill(String(quantity));
    await shot(page, `${shots}-product`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('link', { name: 'Go to the cart' }).click();
    await page.getByRole('link', { name: 'Checkout' }).waitFor();
    await shot(page, `${shots}-cart`);
    await page.getByRole('link', { name: 'Checkout' }).click();
    await page.getByLabel('Card number').fill(cardNumber);
    await shot(page, `${shots}-checkout`);
    for (let attempt = 0; ; attempt++) {
      await page.getByRole('button', { name: 'Place order and pay' }).click();
      const outcome = await Promise.race([
        page.waitForURL(/\/orders\/[0-9a-f-]{36}$/).then(() => 'placed' as const),
        page
          .getByTestId('problem')
          .filter({ hasText: 'Product not available' })
          .waitFor()
          .then(() => 'unknown' as const),
      ]);
      if (outcome === 'placed') break;
      // 422 product-unavailable: order has not seen product.created yet; the problem is shown, try again.
      expect(attempt).toBeLessThan(20);
      await page.waitForTimeout(500);
    }
    // The page's own marker (gone if the page were reloaded or left), and every status it shows.
    await page.evaluate(() => {
      const w = window as unknown as { kadaMarker: string; kadaStatuses: string[] };
      w.kadaMarker = 'same page';
      w.kadaStatuses = [];
      setInterval(() => {
        const text = document.querySelector('[data-testid="status"]')?.textContent;
        if (text && w.kadaStatuses.at(-1) !== text) w.kadaStatuses.push(text);
      }, 10);
    });
  }

  /**
   * Waits for PAID or FAILED on the same page. `viaBrowser`: the outcome needs the browser's
   * confirmation, so the page must have shown PENDING_PAYMENT first (a stock rejection may end the
   * order before the page first asks).
   */
  async function finalStatus(page: Page, viaBrowser: boolean): Promise<string> {
    const status = page.getByTestId('status');
    await expect
      .poll(async () => status.textContent(), { timeout: 60_000, interval: 250 })
      .toMatch(/^(PAID|FAILED)$/);
    const seen = await page.evaluate(() => {
      const w = window as unknown as { kadaMarker?: string; kadaStatuses?: string[] };
      return { marker: w.kadaMarker, statuses: w.kadaStatuses };
    });
    expect(seen.marker).toBe('same page');
    // Pending first, then the end, on the same page: it moved live.
    const final = (await status.textContent()) ?? '';
    if (viaBrowser) expect(seen.statuses).toEqual(['PENDING_PAYMENT', final]);
    else expect(seen.statuses?.at(-1)).toBe(final);
    return final;
  }

  beforeAll(async () => {
    if (!haveChromium)
      throw new Error(`CI=true but ${CHROMIUM} is missing: install it (apt-get install -y chromium).`);
    mkdirSync(ARTIFACTS, { recursive: true });
    const storefrontPort = await freePort();
    const build = buildStorefront();
    broker = await setUpBroker({
      vhost: `kada-storefront-${run}`,
      userPrefix: `storefront-${run}.`,
      password: randomPasswords(),
    });
    await ensureDevKeys(join(tmp, 'keys'));
    platform = new Platform({
      root: ROOT,
      portBase: 1000 + Math.floor(Math.random() * 500) * 10,
      broker: { urlOf: (service) => broker?.urlOf(service) },
      env: {
        JWT_PUBLIC_KEY_FILE: join(tmp, 'keys', 'jwt-public.jwk.json'),
        JWT_PRIVATE_KEY_FILE: join(tmp, 'keys', 'jwt-private.jwk.json'),
        PAYMENT_PROVIDER: 'simulated',
        NOTIFY_OUTBOX_DIR: mailDir,
        APP_URL: `http://127.0.0.1:${storefrontPort}`,
        DATA_DIR: join(tmp, 'data'),
        LOG_LEVEL: 'warn',
      },
      onLog: (name, line) => logs.push(`${name}: ${line}`),
    });
    await build;
    await platform.startAll();
    storefront = await startStorefront({
      port: storefrontPort,
      gatewayUrl: platform.urlOf('gateway'),
      mailDir,
      onLog: (line) => logs.push(`storefront: ${line}`),
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await storefront?.stop();
    await platform?.stopAll();
    await broker?.remove();
    rmSync(tmp, { recursive: true, force: true });
    if (problems.length > 0 || process.env.STOREFRONT_TEST_LOGS) console.log(logs.slice(-60).join('\n'));
  }, 120_000);

  it('a seller signs up, verifies the address and lists products with stock', async () => {
    seller = { email: `seller-${run}@example.com`, ...(await newPage(DESKTOP)) };
    const { page } = seller;
    await signUpVerifyLogIn(page, 'seller', seller.email);
    await page.goto(`${storefront?.url}/seller/products`);
    productName = `Ceylon tea ${run}`;
    scarceName = `Last teapot ${run}`;
    for (const [name, price, stock] of [
      [productName, '12.50', '5'],
      [scarceName, '30.00', '1'],
    ] as const) {
      await page.getByLabel('Name').fill(name);
      await page.getByLabel('Category (lowercase words joined by -)').fill('tea');
      await page.getByLabel('Price').fill(price);
      await page.getByLabel('Stock').fill(stock);
      await page.getByRole('button', { name: 'Add product' }).click();
      await page.getByTestId('product-created').filter({ hasText: name }).waitFor();
    }
    await expect(page.getByTestId('seller-products').textContent()).resolves.toContain(productName);
    await shot(page, 'seller-05-products');
    // Edit: the stock goes from 5 to 6.
    await page.getByRole('row').filter({ hasText: productName }).getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Stock').fill('6');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await shot(page, 'seller-06-edit-product');
    expect(problems).toEqual([]);
  }, 240_000);

  it('a buyer signs up on a phone, verifies, orders, pays with a good card and sees PAID live', async () => {
    buyer = { email: `buyer-${run}@example.com`, ...(await newPage(PHONE)) };
    const { page } = buyer;
    await signUpVerifyLogIn(page, 'buyer', buyer.email);
    await shot(page, 'buyer-05-shop');
    await order(page, productName, 2, '4242 4242 4242 4242', 'buyer-paid');
    // The page shows the order pending first, then PAID without a reload.
    await expect
      .poll(async () => page.getByTestId('status').textContent(), { timeout: 30_000 })
      .toMatch(/PENDING_PAYMENT|PAID/);
    await shot(page, 'buyer-paid-order-pending');
    expect(await finalStatus(page, true)).toBe('PAID');
    await expect(page.getByText('Paid. Thank you for your order!').isVisible()).resolves.toBe(true);
    // Nothing sticks out of a phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'buyer-paid-order-paid');
    expect(problems).toEqual([]);
  }, 240_000);

  it('a declined card (4000 0000 0000 0002) ends FAILED with its reason', async () => {
    const { page } = buyer;
    await order(page, productName, 1, '4000 0000 0000 0002', 'buyer-declined');
    expect(await finalStatus(page, true)).toBe('FAILED');
    const failure = page.getByTestId('failure');
    await expect
      .poll(async () => failure.textContent(), { timeout: 15_000 })
      .toContain('Your card was declined.');
    await expect(failure.textContent()).resolves.toContain('PAYMENT_FAILED');
    await shot(page, 'buyer-declined-order-failed');
    expect(problems).toEqual([]);
  }, 120_000);

  it('an order for more than the stock ends FAILED: out of stock', async () => {
    const { page } = buyer;
    await order(page, scarceName, 3, '4242 4242 4242 4242', 'buyer-out-of-stock');
    expect(await finalStatus(page, false)).toBe('FAILED');
    await expect(page.getByTestId('failure').textContent()).resolves.toContain('OUT_OF_STOCK');
    await shot(page, 'buyer-out-of-stock-order-failed');

    await page.goto(`${storefront?.url}/orders`);
    await expect.poll(async () => page.getByTestId('status').count(), { timeout: 15_000 }).toBe(3);
    await shot(page, 'buyer-orders');
    expect(problems).toEqual([]);
  }, 120_000);

  it("the seller's dashboard shows the sale, the revenue chart and the sign-ups", async () => {
    const { page } = seller;
    await page.goto(`${storefront?.url}/seller`);
    // The dashboard's read models follow the events; the page refreshes itself.
    await expect
      .poll(async () => page.getByTestId('paid-orders').textContent(), { timeout: 60_000, interval: 500 })
      .toBe('1');
    await expect(page.getByTestId('net-revenue').textContent()).resolves.toBe('$25.00');
    await expect(page.getByTestId('seller-orders').textContent()).resolves.toContain('PAID');
    const bars = await page.locator('[data-testid="revenue-chart"] rect[data-amount="2500"]').count();
    expect(bars).toBe(1);
    await expect
      .poll(async () => Number(await page.getByTestId('signups').textContent()))
      .toBeGreaterThanOrEqual(2);
    await shot(page, 'seller-07-dashboard');
    expect(problems).toEqual([]);
  }, 120_000);

  it('the buyer edits the profile, sees a problem+json error, and deletes the account', async () => {
    const { page } = buyer;
    await page.goto(`${storefront?.url}/account`);
    await page.getByLabel('Name').fill('Browser buyer renamed');
    // An invalid phone: the gateway answers 400 problem+json, shown field by field.
    await page.getByLabel(/^Phone/).fill('0771234567');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect(page.getByTestId('problem').textContent()).resolves.toContain('/phone');
    await shot(page, 'buyer-account-problem');
    await page.getByLabel(/^Phone/).fill('+94771234567');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor();
    await shot(page, 'buyer-account-saved');
    await page.getByRole('button', { name: 'Delete my account…' }).click();
    await page.getByRole('button', { name: 'Yes, delete my account' }).click();
    await page.waitForURL(/\/\?deleted=1$/);
    await page.goto(`${storefront?.url}/login`);
    await page.getByLabel('E-mail').fill(buyer.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('problem').waitFor();
    await shot(page, 'buyer-deleted-login-refused');
    await buyer.context.close();
    await seller.context.close();
    expect(problems).toEqual([]);
  }, 120_000);
});
