/**
 * The docs site in a real headless Chromium (Debian's chromium driven by playwright-core):
 * open the home page from file://, see the flow graph, follow it to an event, read the schema
 * table and the example, search, and see no console error. Screenshots go to
 * test-artifacts/docs/ (gitignored; CI keeps them as artifacts).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitDocs } from '../../src/emit/docs/index.ts';
import { FIXTURE_SPECS, graphOf, writeSite } from './site-helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HERE = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = resolve(HERE, '../../../test-artifacts/docs');
const REPO_SPECS = resolve(HERE, '../../../specs');
const haveChromium = existsSync(CHROMIUM);
const mustRun = process.env.CI === 'true';

if (!haveChromium && !mustRun) {
  console.warn(
    `docs browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium); in CI (CI=true) it runs and fails instead.`,
  );
}

describe.skipIf(!haveChromium && !mustRun)('docs site in headless Chromium', () => {
  let context: BrowserContext;
  let workDir: string;
  const problems: string[] = [];

  function watch(page: Page): void {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
    page.on('requestfailed', (r) =>
      problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? '?'})`),
    );
  }

  beforeAll(async () => {
    if (!haveChromium)
      throw new Error(
        `CI=true but ${CHROMIUM} is missing: install it (apt-get install -y chromium) in .ci/run.`,
      );
    workDir = mkdtempSync(join(tmpdir(), 'kada-docs-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    writeSite(join(workDir, 'fixture'), emitDocs(await graphOf(FIXTURE_SPECS), { lockHistory: [] }));
    context = await chromium.launchPersistentContext(join(workDir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await context?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('shows the flow, follows it to an event page with its schema table and example, and searches', async () => {
    const page = await context.newPage();
    watch(page);
    await page.goto(pathToFileURL(join(workDir, 'fixture/docs/index.html')).href);

    const svg = page.locator('svg.flow');
    await expect(svg.isVisible()).resolves.toBe(true);
    expect(await svg.locator('a.node.service').count()).toBe(3);
    expect(await svg.locator('a.node.event').count()).toBe(4);
    const box = await svg.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(300);
    // Hovering a service highlights its edges.
    await svg.locator('a.node.service[data-node="s:stock"]').hover();
    expect(await svg.locator('.edge.hot').count()).toBe(2); // order.created.v1 -> stock -> stock.reserved.v1
    await page.screenshot({ path: join(ARTIFACTS, 'home.png'), fullPage: true });

    await svg.locator('a.node.event[data-node="e:order.created.v1"]').click();
    await page.waitForURL(/events\/order\.created\.v1\.html$/);
    await expect(page.locator('h1').textContent()).resolves.toContain('order.created');
    const row = page.locator('#payload table.schema tr[data-path="items[].quantity"]');
    await expect(row.isVisible()).resolves.toBe(true);
    await expect(row.locator('td.type').textContent()).resolves.toBe('integer');
    await expect(page.locator('#examples pre.json').first().textContent()).resolves.toContain(
      '"orderId": "01920c50-7f10-7a21-b432-c543d654e701"',
    );
    await expect(page.locator('#consumers').textContent()).resolves.toContain('stock.orders.dlq');
    await page.screenshot({ path: join(ARTIFACTS, 'event.png'), fullPage: true });

    // Search from the event page: a field, then an event.
    const input = page.locator('#search-input');
    await input.fill('unitPrice currency');
    const fieldHit = page.locator('#search-results li a').first();
    await expect(fieldHit.getAttribute('href')).resolves.toBe(
      '../events/order.created.v1.html#field-items_.unitPrice.currency',
    );
    await input.fill('stock.reserved');
    const hit = page.locator('#search-results li a').first();
    await expect(hit.getAttribute('href')).resolves.toBe('../events/stock.reserved.v1.html');
    await page.screenshot({ path: join(ARTIFACTS, 'search.png') });
    await input.press('Enter');
    await page.waitForURL(/events\/stock\.reserved\.v1\.html$/);
    await expect(page.locator('h1').textContent()).resolves.toContain('stock.reserved');
    // The sidebar's lists come from docs/nav.js (not in the page): filled in, the current page marked.
    await expect(page.locator('nav.sidebar a[aria-current="page"]').textContent()).resolves.toContain(
      'stock.reserved',
    );
    expect(await page.locator('nav.sidebar a[href$="order.created.v1.html"]').count()).toBe(1);

    await page.locator('nav.sidebar a', { hasText: 'order' }).first().click();
    await page.waitForURL(/services\/(notification|order)\.html$/);
    await page.goto(pathToFileURL(join(workDir, 'fixture/docs/services/order.html')).href);
    await expect(page.locator('#op-createOrder').textContent()).resolves.toContain('Idempotency-Key');
    await page.screenshot({ path: join(ARTIFACTS, 'service.png'), fullPage: true });

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(pathToFileURL(join(workDir, 'fixture/docs/events/order.created.v1.html')).href);
    const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(bg).toBe('rgb(20, 23, 28)');
    await page.screenshot({ path: join(ARTIFACTS, 'event-dark.png') });

    expect(problems).toEqual([]);
    await page.close();
  });

  it.skipIf(!existsSync(join(REPO_SPECS, 'asyncapi')))(
    'renders the repository specs’ flow with a node per service and event',
    async () => {
      const graph = await graphOf(REPO_SPECS);
      writeSite(join(workDir, 'repo'), emitDocs(graph, { lockHistory: [] }));
      const page = await context.newPage();
      watch(page);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(pathToFileURL(join(workDir, 'repo/docs/index.html')).href);
      const svg = page.locator('svg.flow');
      expect(await svg.locator('a.node.service').count()).toBe(graph.services.length);
      expect(await svg.locator('a.node.event').count()).toBe(graph.events.length);
      await page.screenshot({ path: join(ARTIFACTS, 'repo-home.png'), fullPage: true });
      if ((await page.locator('.flow-fit').getAttribute('aria-pressed')) === 'false')
        await page.locator('.flow-fit').click();
      await page.locator('svg.flow').screenshot({ path: join(ARTIFACTS, 'repo-flow-fit.png') });
      expect(problems).toEqual([]);
      await page.close();
    },
  );
});
