import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { runShopOrdersSink } from '../services/shop-orders-sink.js';
import { TestShop } from '../services/test-shop.js';
import { clusterSettings, startWorker, type WorkerProcess } from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';
import {
  type Browser,
  type ConsoleProcess,
  expectNoBrowserErrors,
  openBrowser,
  startConsole,
} from './console-browser.js';

const bootstrap = inject('kafkaBootstrap');
const BERLIN = { productId: 'CATALOG-001', productName: 'Berlin', stock: 500, unitPrice: 1500 };
const TOKYO = { productId: 'CATALOG-002', productName: 'Tokyo', stock: 800, unitPrice: 1000 };

/**
 * The console's shop page in Chromium against a whole shop of its own (gateway, catalog, two
 * order-service instances, the orders sink into MariaDB): orders placed from the page move the
 * charts and the stock, and "Check consistency" runs what `msa-sync verify` runs and passes.
 */
describe('operator console: the shop page in Chromium', () => {
  let db: TestDatabase;
  let shop: TestShop;
  let worker: WorkerProcess;
  let consoleProcess: ConsoleProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    db = await createTestDatabase('mariadb', 'cshop');
    [shop, worker] = await Promise.all([
      TestShop.start({ bootstrap, database: db, orderInstances: 2, products: [BERLIN, TOKYO] }),
      startWorker(clusterSettings(bootstrap, uniqueName('console-shop'))),
    ]);
    await runShopOrdersSink(worker, shop, db);
    consoleProcess = await startConsole({
      MSA_CONNECT_URL: worker.url,
      KAFKA_BOOTSTRAP_SERVERS: bootstrap,
      DATABASE_URL: db.url,
      DATABASE_USER: db.user ?? '',
      MSA_GATEWAY_PORT: new URL(shop.url).port,
      MSA_CONSOLE_DATA_DIR: mkdtempSync(join(tmpdir(), 'msa-console-data-')),
    });
    browser = await openBrowser();
    page = browser.page;
  }, 180_000);

  afterEach(() => expectNoBrowserErrors(browser, consoleProcess));

  afterAll(async () => {
    await browser?.context.close();
    await consoleProcess?.stop();
    await shop?.stop();
    await worker?.kill();
    await db?.drop().catch(() => {});
  });

  it('places orders from the page, shows orders and stock move, and the consistency check passes', async () => {
    await page.goto(`${consoleProcess.url}/#/shop`);
    await expect.poll(() => page.locator('#stock tr').count(), { timeout: 20_000 }).toBe(2);
    await expect
      .poll(() => page.locator('#instances td', { hasText: /^order-service-\d-/ }).count(), {
        timeout: 20_000,
      })
      .toBe(2);
    const stockOf = async (productId: string) =>
      Number(await page.locator(`#stock tr[data-product="${productId}"] td.num`).textContent());
    expect(await stockOf('CATALOG-001')).toBe(BERLIN.stock);

    await page.locator('#load-rate').fill('20');
    await page.locator('#load-seconds').fill('4');
    await page.getByRole('button', { name: 'Place orders' }).click();
    const status = page.locator('main p[role="status"]');
    // The run's summary, once the load ran and the rows became visible (or its grace ended).
    await expect.poll(() => status.textContent(), { timeout: 90_000 }).toMatch(/acknowledged at/);
    const summary = (await status.textContent()) ?? '';
    const acked = Number(/: (\d+) of (\d+) acknowledged/.exec(summary)?.[1]);
    expect(acked).toBeGreaterThan(10);
    expect(summary).toMatch(/201 latency p50 [\d.]+ ms, p99 [\d.]+ ms; 201 → row p50 [\d.]+ ms/);

    // The sink wrote every order: the card counts them and the stock went down by as many.
    const ordersCard = page.locator('.card', { hasText: 'orders in the database' }).locator('.n');
    await expect.poll(async () => Number(await ordersCard.textContent()), { timeout: 30_000 }).toBe(acked);
    await expect
      .poll(async () => (await stockOf('CATALOG-001')) + (await stockOf('CATALOG-002')), { timeout: 30_000 })
      .toBe(BERLIN.stock + TOKYO.stock - acked);
    // Each order-service instance's share: their 201s (from their /metrics) add up to the run's.
    const placedByInstances = async () => {
      const rows = await page.locator('#instances tbody tr', { hasText: 'order-service' }).all();
      let sum = 0;
      for (const row of rows) sum += Number((await row.locator('td').nth(4).textContent()) || 0);
      return sum;
    };
    await expect.poll(placedByInstances, { timeout: 20_000 }).toBe(acked);
    // The live charts moved: orders per second, per instance, and the run's latencies.
    const points = (label: string) =>
      page
        .locator(`figure[aria-label="${label}"]`)
        .getAttribute('data-points')
        .then((n) => Number(n ?? 0));
    for (const label of [
      'Orders per second (rows the sink wrote)',
      'Orders per second by order-service instance',
      '201 latency and 201 → row (this console’s orders)',
      'Stock per product',
    ]) {
      await expect.poll(() => points(label), { timeout: 20_000, message: label }).toBeGreaterThan(1);
    }

    await page.getByRole('button', { name: 'Check consistency' }).click();
    const result = page.locator('#consistency-result');
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toBe('Consistent');
    const lines = (await page.locator('#consistency pre').textContent()) ?? '';
    expect(lines).toContain(`${acked} acknowledged, ${acked} found, 0 lost, 0 duplicated`);
    expect(lines.trim().endsWith('OK')).toBe(true);
    await page.waitForTimeout(2500);
    await browser.shot('shop.png', true);
  });
});
