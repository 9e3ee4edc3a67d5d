import { type AckedRun, readAckedFile } from '../load/acked-file.js';
import { type DatabaseCredentials, ShopDatabase } from '../shop-database.js';
import {
  buildReport,
  type LedgerRow,
  mayStillSettle,
  type RunObservations,
  type VerifyReport,
} from './order-report.js';

export interface VerifyOptions {
  ackedFile: string;
  databaseUrl: string;
  databaseCredentials?: DatabaseCredentials;
  /** Table the JDBC sink writes orders into; default 'orders'. */
  ordersTable?: string;
  /** Keep re-checking lost orders (a sink catching up) until this passes; default 30000. */
  waitMs?: number;
}

const CATALOG = 'catalog';
const LEDGER = 'catalog_order_ledger';

/**
 * Checks the shared database against a load run's acked file: every acknowledged order exactly
 * once in the orders table, no rows of the run's users that nobody acknowledged (unless a request
 * with unknown outcome explains them), one catalog decision per order, and stock equal to stock at
 * start minus the accepted quantities. Lost orders, missing decisions and stock are checked again
 * until `waitMs` passed, so a sink that is behind is not called lossy.
 */
export async function verifyOrders(options: VerifyOptions): Promise<VerifyReport> {
  const run = await readAckedFile(options.ackedFile);
  const db = await ShopDatabase.open(options.databaseUrl, options.databaseCredentials);
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  try {
    for (;;) {
      const report = buildReport(run, await observe(db, run, options.ordersTable ?? 'orders'));
      if (report.ok || !mayStillSettle(report) || Date.now() >= deadline) return report;
      await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, deadline - Date.now()))));
    }
  } finally {
    await db.close();
  }
}

async function observe(db: ShopDatabase, run: AckedRun, ordersTable: string): Promise<RunObservations> {
  const id = (name: string) => db.id(name);
  const orders = id(ordersTable);
  const countsBy = (column: string, values: readonly string[]) =>
    db.queryIn<{ order_id: string; n: unknown }>(
      values,
      (inList) =>
        `SELECT ${id('order_id')} AS order_id, COUNT(*) AS n FROM ${orders} WHERE ${id(column)} IN ${inList} GROUP BY ${id('order_id')}`,
    );
  const orderRows = new Map<string, number>();
  const ackedIds = [...new Set(run.acked.map((a) => a.orderId))];
  // By id (an acked order written under another user is still found) and by user (unacked rows).
  for (const row of [
    ...(await countsBy('order_id', ackedIds)),
    ...(await countsBy('user_id', run.header.users)),
  ]) {
    orderRows.set(String(row.order_id), Math.max(orderRows.get(String(row.order_id)) ?? 0, Number(row.n)));
  }

  const runOrderIds = [...new Set([...ackedIds, ...orderRows.keys()])];
  const ledger = (
    await db.queryIn<Record<string, unknown>>(
      runOrderIds,
      (inList) =>
        `SELECT ${id('order_id')} AS order_id, ${id('product_id')} AS product_id, ${id('qty')} AS qty, ${id('status')} AS status
         FROM ${id(LEDGER)} WHERE ${id('order_id')} IN ${inList}`,
    )
  ).map(
    (r): LedgerRow => ({
      orderId: String(r.order_id),
      productId: String(r.product_id),
      qty: Number(r.qty),
      status: String(r.status),
    }),
  );

  const stockRows = await db.queryIn<{ product_id: string; stock: unknown }>(
    run.header.products.map((p) => p.productId),
    (inList) =>
      `SELECT ${id('product_id')} AS product_id, ${id('stock')} AS stock FROM ${id(CATALOG)} WHERE ${id('product_id')} IN ${inList}`,
  );
  const stock = new Map(stockRows.map((r) => [String(r.product_id), Number(r.stock)]));
  return { orderRows, ledger, stock };
}
