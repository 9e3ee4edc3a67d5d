import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AckedFileLine, RunHeader } from '@msa-sync/cli/load';
import { verifyOrders } from '@msa-sync/cli/verify';
import type { SqlClient } from '@msa-sync/sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runCli, uniqueName } from '../support/run-process.js';

const dir = mkdtempSync(join(tmpdir(), 'msa-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Order {
  orderId: string;
  productId: string;
  qty: number;
  status: 'ACCEPTED' | 'REJECTED';
}

/**
 * `msa-sync verify` against real databases holding deliberately corrupted data: tables made here
 * without primary keys (as a sink in insert mode without pk would leave them), so a duplicate row
 * and a duplicate ledger decision are possible. Every scenario has users and products of its own.
 */
describe.each(['sqlite', 'mariadb', 'postgres'] as const)('%s: msa-sync verify', (dialect) => {
  let db: TestDatabase;
  let client: SqlClient;

  const insert = async (table: string, columns: string[], rows: unknown[][]) => {
    const q = (n: string) => db.dialect.quoteIdentifier(n);
    const values = columns.map((_, i) => db.dialect.placeholder(i + 1)).join(', ');
    for (const row of rows)
      await client.execute(`INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES (${values})`, row);
  };

  beforeAll(async () => {
    db = await createTestDatabase(dialect, 'verify');
    client = await db.connect();
    await client.execute(
      'CREATE TABLE orders (order_id VARCHAR(50) NOT NULL, user_id VARCHAR(50), product_id VARCHAR(20), qty INT)',
    );
    await client.execute('CREATE TABLE catalog (product_id VARCHAR(20) NOT NULL, stock INT NOT NULL)');
    await client.execute(
      'CREATE TABLE catalog_order_ledger (order_id VARCHAR(50) NOT NULL, product_id VARCHAR(50), qty INT, status VARCHAR(10))',
    );
  });

  afterAll(async () => {
    await client?.close();
    await db?.drop();
  });

  /**
   * A consistent run: user U ordered 3 × qty 2 of product P (stock 50 at start, all accepted),
   * the rows and decisions written, stock lowered to 44. Returns ids and a file writer.
   */
  async function scenario(options: { uncertain?: number } = {}) {
    const name = uniqueName('s').replaceAll('-', '');
    const user = `u${name}`;
    const product = `P${name}`.slice(0, 20);
    const orders: Order[] = [1, 2, 3].map((i) => ({
      orderId: `${name}-o${i}`,
      productId: product,
      qty: 2,
      status: 'ACCEPTED',
    }));
    const header: RunHeader = {
      type: 'run',
      runId: `load-${name}`,
      gatewayUrl: 'http://127.0.0.1:1',
      ratePerSecond: 10,
      durationMs: 1000,
      concurrency: 1,
      users: [user],
      products: [{ productId: product, stockAtStart: 50 }],
      startedAt: 1000,
    };
    const lines: AckedFileLine[] = [
      header,
      ...orders.map((o, i) => ({
        type: 'acked' as const,
        orderId: o.orderId,
        userId: user,
        productId: o.productId,
        qty: o.qty,
        ackedAt: 2000 + i,
        latencyMs: 4,
      })),
      ...orders.map((o, i) => ({ type: 'visible' as const, orderId: o.orderId, visibleAt: 2100 + i * 50 })),
      ...Array.from({ length: options.uncertain ?? 0 }, () => ({
        type: 'uncertain' as const,
        userId: user,
        productId: product,
        qty: 2,
        at: 2500,
        error: 'timeout',
      })),
    ];
    const file = join(dir, `${dialect}-${name}.jsonl`);
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const row = (o: Order) => [o.orderId, user, o.productId, o.qty];
    const decision = (o: Order) => [o.orderId, o.productId, o.qty, o.status];
    await insert('orders', ['order_id', 'user_id', 'product_id', 'qty'], orders.map(row));
    await insert('catalog_order_ledger', ['order_id', 'product_id', 'qty', 'status'], orders.map(decision));
    await insert('catalog', ['product_id', 'stock'], [[product, 44]]);
    const setStock = (stock: number) =>
      client.execute(
        `UPDATE catalog SET stock = ${db.dialect.placeholder(1)} WHERE product_id = ${db.dialect.placeholder(2)}`,
        [stock, product],
      );
    const removeRow = (orderId: string) =>
      client.execute(`DELETE FROM orders WHERE order_id = ${db.dialect.placeholder(1)}`, [orderId]);
    /** An order of the run's user that no 201 reported, accepted by the catalog. */
    const addUnacked = async (orderId: string) => {
      const o: Order = { orderId, productId: product, qty: 2, status: 'ACCEPTED' };
      await insert('orders', ['order_id', 'user_id', 'product_id', 'qty'], [row(o)]);
      await insert('catalog_order_ledger', ['order_id', 'product_id', 'qty', 'status'], [decision(o)]);
      await setStock(42);
    };
    return { file, user, product, orders, row, decision, setStock, removeRow, addUnacked };
  }

  const verify = (file: string, waitMs = 0) =>
    verifyOrders({ ackedFile: file, databaseUrl: db.url, databaseCredentials: { user: db.user }, waitMs });
  const cli = (file: string, ...extra: string[]) =>
    runCli(['verify', '--acked', file, '--database-url', db.url, '--wait', '0', ...extra], {
      env: { DATABASE_USER: db.user, DATABASE_URL: undefined },
    });

  it('passes a consistent run: exit 0, the visibility distribution from the file', async () => {
    const s = await scenario();
    const result = await cli(s.file);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 acknowledged, 3 found, 0 lost, 0 duplicated, 0 unexpected');
    expect(result.stdout).toContain(`stock ${s.product}: 50 at start − 6 accepted = 44, actual 44`);
    expect(result.stdout).toContain('201 → row visible: p50 149 ms, p99 198 ms, max 198 ms (3 orders)');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('OK');
  });

  it('catches a missing row: lost, exit 1', async () => {
    const s = await scenario();
    const lostId = s.orders[1]?.orderId as string;
    await s.removeRow(lostId);
    const result = await cli(s.file);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`LOST (acknowledged, no row): ${lostId}`);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('FAILED');
    const report = await verify(s.file);
    expect(report).toMatchObject({ acked: 3, found: 2, lost: [lostId], ok: false });
  });

  it('catches a duplicated row: exit 1, and --json says which', async () => {
    const s = await scenario();
    const twice = s.orders[0] as Order;
    await insert('orders', ['order_id', 'user_id', 'product_id', 'qty'], [s.row(twice)]);
    const result = await cli(s.file, '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.duplicated).toEqual([{ orderId: twice.orderId, count: 2 }]);
    expect(report.lost).toEqual([]);
    expect(report.ok).toBe(false);
  });

  it('catches wrong stock and negative stock', async () => {
    const s = await scenario();
    await s.setStock(45);
    const wrong = await verify(s.file);
    expect(wrong.stock).toEqual([
      { productId: s.product, stockAtStart: 50, appliedQty: 6, expected: 44, actual: 45, ok: false },
    ]);
    expect(wrong.ok).toBe(false);
    const result = await cli(s.file);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`WRONG stock ${s.product}: 50 at start − 6 accepted = 44, actual 45`);

    await s.setStock(-3);
    const negative = await verify(s.file);
    expect(negative.negativeStock).toEqual([s.product]);
    expect(negative.ok).toBe(false);
  });

  it('catches a duplicated catalog decision', async () => {
    const s = await scenario();
    const twice = s.orders[2] as Order;
    await insert('catalog_order_ledger', ['order_id', 'product_id', 'qty', 'status'], [s.decision(twice)]);
    const report = await verify(s.file);
    expect(report.ledger.duplicated).toEqual([twice.orderId]);
    expect(report.stock[0]?.ok).toBe(true);
    expect(report.ok).toBe(false);
  });

  it('fails an unexpected row without uncertain requests, accepts it with one', async () => {
    const unexplained = await scenario();
    await unexplained.addUnacked(`${unexplained.user}-extra`);
    const report = await verify(unexplained.file);
    expect(report).toMatchObject({
      unexpected: [`${unexplained.user}-extra`],
      uncertain: 0,
      unexpectedExplained: false,
      ok: false,
    });
    expect((await cli(unexplained.file)).code).toBe(1);

    const explained = await scenario({ uncertain: 1 });
    await explained.addUnacked(`${explained.user}-extra`);
    const ok = await verify(explained.file);
    expect(ok).toMatchObject({
      unexpected: [`${explained.user}-extra`],
      unexpectedExplained: true,
      ok: true,
    });
    expect(ok.stock[0]).toMatchObject({ appliedQty: 8, actual: 42, ok: true });
    const result = await cli(explained.file);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'unexpected (row, never acknowledged; explained by 1 uncertain requests)',
    );
  });

  it('waits for a row that arrives late instead of calling it lost', async () => {
    const s = await scenario();
    const late = s.orders[0] as Order;
    await s.removeRow(late.orderId);
    setTimeout(
      () => void insert('orders', ['order_id', 'user_id', 'product_id', 'qty'], [s.row(late)]),
      1500,
    );
    const started = Date.now();
    const report = await verify(s.file, 15_000);
    expect(report.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('exits 2 without --acked and 1 with a clear message for a file that is not there', async () => {
    const usage = await runCli(['verify', '--database-url', db.url]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--acked is required');
    const missing = await cli(join(dir, 'nope.jsonl'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/msa-sync verify: Cannot read .*nope\.jsonl/);
  });
});
