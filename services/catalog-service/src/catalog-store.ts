import { ensureTable, isoTimestamp, type ServiceDatabase, type SqlClient } from '@msa-sync/service-runtime';
import type { OrderStatus, RejectionReason } from '@msa-sync/shop-contracts';

export interface Product {
  productId: string;
  productName: string;
  unitPrice: number;
  stock: number;
  createdAt: string | null;
}

export interface ProductSeed {
  productId: string;
  productName: string;
  stock: number;
  unitPrice: number;
}

/** The course's seed rows (data.sql of catalog-service). */
export const DEFAULT_PRODUCTS: readonly ProductSeed[] = [
  { productId: 'CATALOG-001', productName: 'Berlin', stock: 100, unitPrice: 1500 },
  { productId: 'CATALOG-002', productName: 'Tokyo', stock: 110, unitPrice: 1000 },
  { productId: 'CATALOG-003', productName: 'Stockholm', stock: 120, unitPrice: 2000 },
];

/** One decision of the stock ledger: an order id is decided once, and only once. */
export interface LedgerEntry {
  orderId: string;
  productId: string;
  qty: number;
  status: OrderStatus;
  reason: RejectionReason | null;
  decidedAt: string;
}

/** Order ids per ledger lookup, and rows per ledger INSERT (well under every dialect's parameter limit). */
const DECISIONS_PER_QUERY = 500;
const LEDGER_ROWS_PER_INSERT = 200;

export type StockChange = { applied: true } | { applied: false; reason: RejectionReason };

/**
 * `catalog` (products and stock) and `catalog_order_ledger` (every order id the catalog has
 * decided, with its decision). Lowering stock and recording the order id happen in one
 * transaction, so a redelivered order finds its entry and changes nothing; the UPDATE only
 * matches while `stock >= qty`, so stock never goes below zero (and a CHECK says so too).
 */
export class CatalogStore {
  static readonly PRODUCTS = 'catalog';
  static readonly LEDGER = 'catalog_order_ledger';
  readonly #db: ServiceDatabase;

  constructor(db: ServiceDatabase) {
    this.#db = db;
  }

  async ensureSchema(client: SqlClient): Promise<void> {
    const s = this.#db.sql;
    await ensureTable(
      client,
      s.createTable(CatalogStore.PRODUCTS, [
        `${s.id('product_id')} ${s.varchar(20)} NOT NULL PRIMARY KEY`,
        `${s.id('product_name')} ${s.varchar(100)} NOT NULL`,
        `${s.id('stock')} ${s.int} NOT NULL CHECK (${s.id('stock')} >= 0)`,
        `${s.id('unit_price')} ${s.int} NOT NULL`,
        `${s.id('created_at')} ${s.timestamp} NOT NULL ${s.nowDefault}`,
      ]),
    );
    await ensureTable(
      client,
      s.createTable(CatalogStore.LEDGER, [
        `${s.id('order_id')} ${s.varchar(50)} NOT NULL PRIMARY KEY`,
        `${s.id('product_id')} ${s.varchar(50)} NOT NULL`,
        `${s.id('qty')} ${s.int} NOT NULL`,
        `${s.id('status')} ${s.varchar(10)} NOT NULL`,
        `${s.id('reason')} ${s.varchar(20)}`,
        `${s.id('decided_at')} ${s.timestamp} NOT NULL`,
      ]),
    );
  }

  /** Adds the products that are not there yet; existing rows (and their stock) are left alone. */
  async seed(client: SqlClient, products: readonly ProductSeed[]): Promise<number> {
    const s = this.#db.sql;
    let added = 0;
    for (const product of products) {
      const found = await client.query(
        `SELECT 1 AS found FROM ${s.id(CatalogStore.PRODUCTS)} WHERE ${s.id('product_id')} = ${s.p(1)}`,
        [product.productId],
      );
      if (found.length > 0) continue;
      try {
        await client.execute(
          `INSERT INTO ${s.id(CatalogStore.PRODUCTS)} (${['product_id', 'product_name', 'stock', 'unit_price']
            .map((c) => s.id(c))
            .join(', ')}) VALUES (${s.params(4)})`,
          [product.productId, product.productName, product.stock, product.unitPrice],
        );
        added++;
      } catch (error) {
        // Another instance seeded it at the same moment.
        const again = await client.query(
          `SELECT 1 AS found FROM ${s.id(CatalogStore.PRODUCTS)} WHERE ${s.id('product_id')} = ${s.p(1)}`,
          [product.productId],
        );
        if (again.length === 0) throw error;
      }
    }
    return added;
  }

  async products(client: SqlClient, productId?: string): Promise<Product[]> {
    const s = this.#db.sql;
    const rows = await client.query<Record<string, unknown>>(
      `SELECT ${s.id('product_id')} AS product_id, ${s.id('product_name')} AS product_name,
              ${s.id('unit_price')} AS unit_price, ${s.id('stock')} AS stock, ${s.id('created_at')} AS created_at
       FROM ${s.id(CatalogStore.PRODUCTS)}
       ${productId === undefined ? '' : `WHERE ${s.id('product_id')} = ${s.p(1)}`}
       ORDER BY ${s.id('product_id')}`,
      productId === undefined ? [] : [productId],
    );
    return rows.map((r) => ({
      productId: String(r.product_id),
      productName: String(r.product_name),
      unitPrice: Number(r.unit_price),
      stock: Number(r.stock),
      createdAt: isoTimestamp(r.created_at),
    }));
  }

  /** The decision already recorded for an order, if any (inside the caller's transaction). */
  async decision(tx: SqlClient, orderId: string): Promise<LedgerEntry | undefined> {
    return (await this.decisions(tx, [orderId])).get(orderId);
  }

  /**
   * The decisions already recorded for these order ids, by order id (inside the caller's
   * transaction): one query per DECISIONS_PER_QUERY ids, not one per order.
   */
  async decisions(tx: SqlClient, orderIds: readonly string[]): Promise<Map<string, LedgerEntry>> {
    const s = this.#db.sql;
    const found = new Map<string, LedgerEntry>();
    const ids = [...new Set(orderIds)];
    for (let from = 0; from < ids.length; from += DECISIONS_PER_QUERY) {
      const chunk = ids.slice(from, from + DECISIONS_PER_QUERY);
      const rows = await tx.query<Record<string, unknown>>(
        `SELECT ${s.id('order_id')} AS order_id, ${s.id('product_id')} AS product_id, ${s.id('qty')} AS qty,
              ${s.id('status')} AS status, ${s.id('reason')} AS reason, ${s.id('decided_at')} AS decided_at
       FROM ${s.id(CatalogStore.LEDGER)} WHERE ${s.id('order_id')} IN (${s.params(chunk.length)})`,
        chunk,
      );
      for (const row of rows) {
        const entry: LedgerEntry = {
          orderId: String(row.order_id),
          productId: String(row.product_id),
          qty: Number(row.qty),
          status: String(row.status) as OrderStatus,
          reason:
            row.reason === null || row.reason === undefined ? null : (String(row.reason) as RejectionReason),
          decidedAt: isoTimestamp(row.decided_at) ?? '',
        };
        found.set(entry.orderId, entry);
      }
    }
    return found;
  }

  /** Lowers stock by qty if there is that much (inside the caller's transaction). */
  async takeStock(tx: SqlClient, productId: string, qty: number): Promise<StockChange> {
    if (await this.takeStockTogether(tx, productId, qty)) return { applied: true };
    const exists = await this.products(tx, productId);
    return { applied: false, reason: exists.length > 0 ? 'OUT_OF_STOCK' : 'UNKNOWN_PRODUCT' };
  }

  /**
   * Lowers stock by `total` only if there is that much (inside the caller's transaction): the
   * orders of a batch for one product at once. False changes nothing; the caller then decides
   * them one by one (takeStock), as each order would have been.
   */
  async takeStockTogether(tx: SqlClient, productId: string, total: number): Promise<boolean> {
    const s = this.#db.sql;
    const stock = s.id('stock');
    const result = await tx.execute(
      `UPDATE ${s.id(CatalogStore.PRODUCTS)} SET ${stock} = ${stock} - ${s.p(1)}
       WHERE ${s.id('product_id')} = ${s.p(2)} AND ${stock} >= ${s.p(3)}`,
      [total, productId, total],
    );
    return result.affectedRows === 1;
  }

  async record(tx: SqlClient, entry: LedgerEntry): Promise<void> {
    await this.recordAll(tx, [entry]);
  }

  /** Records decisions, LEDGER_ROWS_PER_INSERT rows per statement (inside the caller's transaction). */
  async recordAll(tx: SqlClient, entries: readonly LedgerEntry[]): Promise<void> {
    const s = this.#db.sql;
    const columns = ['order_id', 'product_id', 'qty', 'status', 'reason', 'decided_at'];
    for (let from = 0; from < entries.length; from += LEDGER_ROWS_PER_INSERT) {
      const chunk = entries.slice(from, from + LEDGER_ROWS_PER_INSERT);
      const values = chunk.map((_, i) => `(${s.params(columns.length, i * columns.length + 1)})`).join(', ');
      await tx.execute(
        `INSERT INTO ${s.id(CatalogStore.LEDGER)} (${columns.map((c) => s.id(c)).join(', ')}) VALUES ${values}`,
        chunk.flatMap((e) => [e.orderId, e.productId, e.qty, e.status, e.reason, new Date(e.decidedAt)]),
      );
    }
  }
}
