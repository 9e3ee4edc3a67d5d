import { ensureTable, isoTimestamp, type ServiceDatabase, type SqlClient } from '@msa-sync/service-runtime';
import type { CatalogEvent } from '@msa-sync/shop-contracts';
import type { Logger } from 'pino';

/** Rows per status upsert (well under every dialect's parameter limit). */
const STATUS_ROWS_PER_UPSERT = 200;

export type ListedStatus = 'PENDING' | 'ACCEPTED' | 'REJECTED';

export interface ListedOrder {
  productId: string;
  qty: number;
  unitPrice: number;
  totalPrice: number;
  orderId: string;
  createdAt: string | null;
  status: ListedStatus;
  reason?: string;
}

/**
 * order-service's view of the shared database. Two tables, two writers, no overlap:
 *
 * - `orders`: written only by the JDBC sink (upsert on order_id, from the `orders` topic). A
 *   redelivered record rewrites the same values; nothing else ever touches these rows. Created
 *   here first (the seed's DDL, with order_id as the primary key the upsert needs and a
 *   created_at default), so it exists before the first order and has a creation time; if the
 *   sink's auto.create made it instead, the list works without created_at.
 * - `order_status`: written only by order-service from `catalog-events` (upsert on order_id).
 *   The catalog decides each order once, so every event for an order says the same.
 *
 * The list joins them: an order without a status row yet is PENDING.
 */
export class OrderStore {
  static readonly ORDERS = 'orders';
  static readonly STATUS = 'order_status';
  static readonly USERS = 'users';
  readonly #db: ServiceDatabase;
  readonly #logger: Logger;
  #hasCreatedAt = true;
  readonly #knownUsers = new Set<string>();

  constructor(db: ServiceDatabase, logger: Logger) {
    this.#db = db;
    this.#logger = logger;
  }

  async ensureSchema(client: SqlClient): Promise<void> {
    const s = this.#db.sql;
    await ensureTable(
      client,
      s.createTable(OrderStore.ORDERS, [
        `${s.id('order_id')} ${s.varchar(50)} NOT NULL PRIMARY KEY`,
        `${s.id('user_id')} ${s.varchar(50)}`,
        `${s.id('product_id')} ${s.varchar(20)}`,
        `${s.id('qty')} ${s.int}`,
        `${s.id('unit_price')} ${s.int}`,
        `${s.id('total_price')} ${s.int}`,
        `${s.id('created_at')} ${s.timestamp} NOT NULL ${s.nowDefault}`,
      ]),
    );
    await client
      .execute(
        `CREATE INDEX IF NOT EXISTS ${s.id('orders_by_user')} ON ${s.id(OrderStore.ORDERS)} (${s.id('user_id')})`,
      )
      .catch((error: unknown) =>
        this.#logger.warn({ err: error }, 'no index on orders.user_id (lists scan the table)'),
      );
    await ensureTable(
      client,
      s.createTable(OrderStore.STATUS, [
        `${s.id('order_id')} ${s.varchar(50)} NOT NULL PRIMARY KEY`,
        `${s.id('status')} ${s.varchar(10)} NOT NULL`,
        `${s.id('reason')} ${s.varchar(20)}`,
        `${s.id('decided_at')} ${s.timestamp}`,
        `${s.id('updated_at')} ${s.timestamp} NOT NULL`,
      ]),
    );
    const table = await this.#db.dialect.describeTable(
      client,
      this.#db.dialect.parseTableId(OrderStore.ORDERS, this.#db.url),
    );
    this.#hasCreatedAt = table?.columns.some((c) => c.name.toLowerCase() === 'created_at') ?? false;
    if (!this.#hasCreatedAt)
      this.#logger.warn('orders has no created_at column (made by the sink): lists show no creation time');
  }

  /** Whether user-service has this user (read from its `users` table; positive answers cached). */
  async userExists(client: SqlClient, userId: string): Promise<boolean> {
    if (this.#knownUsers.has(userId)) return true;
    const s = this.#db.sql;
    let rows: unknown[];
    try {
      rows = await client.query(
        `SELECT 1 AS found FROM ${s.id(OrderStore.USERS)} WHERE ${s.id('user_id')} = ${s.p(1)}`,
        [userId],
      );
    } catch (error) {
      // No users table yet: user-service never ran, so there are no users.
      if (/no such table|doesn't exist|does not exist/i.test((error as Error).message)) return false;
      throw error;
    }
    if (rows.length === 0) return false;
    if (this.#knownUsers.size > 100_000) this.#knownUsers.clear();
    this.#knownUsers.add(userId);
    return true;
  }

  async ordersOf(client: SqlClient, userId: string): Promise<ListedOrder[]> {
    const s = this.#db.sql;
    const o = (c: string) => `o.${s.id(c)}`;
    const createdAt = this.#hasCreatedAt ? `${o('created_at')} AS created_at` : 'NULL AS created_at';
    const rows = await client.query<Record<string, unknown>>(
      `SELECT ${o('order_id')} AS order_id, ${o('product_id')} AS product_id, ${o('qty')} AS qty,
              ${o('unit_price')} AS unit_price, ${o('total_price')} AS total_price, ${createdAt},
              st.${s.id('status')} AS status, st.${s.id('reason')} AS reason
       FROM ${s.id(OrderStore.ORDERS)} o
       LEFT JOIN ${s.id(OrderStore.STATUS)} st ON st.${s.id('order_id')} = ${o('order_id')}
       WHERE ${o('user_id')} = ${s.p(1)}
       ORDER BY ${this.#hasCreatedAt ? `${o('created_at')}, ` : ''}${o('order_id')}`,
      [userId],
    );
    return rows.map((r) => ({
      productId: String(r.product_id),
      qty: Number(r.qty),
      unitPrice: Number(r.unit_price),
      totalPrice: Number(r.total_price),
      orderId: String(r.order_id),
      createdAt: isoTimestamp(r.created_at),
      status: r.status === null || r.status === undefined ? 'PENDING' : (String(r.status) as ListedStatus),
      ...(r.reason === null || r.reason === undefined ? {} : { reason: String(r.reason) }),
    }));
  }

  /**
   * Records catalog decisions (idempotent: the same event twice writes the same row), in one
   * transaction of multi-row upserts rather than a statement per event. Events for the same order
   * say the same (the catalog decides once); the last of them is written, as before.
   */
  async recordStatuses(client: SqlClient, events: readonly CatalogEvent[]): Promise<void> {
    if (events.length === 0) return;
    const s = this.#db.sql;
    const columns = ['order_id', 'status', 'reason', 'decided_at', 'updated_at'];
    const latest = new Map<string, CatalogEvent>();
    for (const e of events) {
      latest.delete(e.orderId);
      latest.set(e.orderId, e);
    }
    const unique = [...latest.values()];
    const now = new Date();
    const upsert = (sql: SqlClient, chunk: CatalogEvent[]) =>
      sql.execute(
        s.upsert(OrderStore.STATUS, ['order_id'], columns, chunk.length),
        chunk.flatMap((e) => {
          const decided = e.decidedAt ? new Date(e.decidedAt) : null;
          return [
            e.orderId,
            e.status,
            e.reason,
            decided && !Number.isNaN(decided.getTime()) ? decided : null,
            now,
          ];
        }),
      );
    // One statement is atomic on its own: BEGIN and COMMIT would double its round trips (the
    // usual batch at the shop's rates is a few events).
    if (unique.length <= STATUS_ROWS_PER_UPSERT) {
      await upsert(client, unique);
      return;
    }
    await client.transaction(async (tx) => {
      for (let from = 0; from < unique.length; from += STATUS_ROWS_PER_UPSERT) {
        await upsert(tx, unique.slice(from, from + STATUS_ROWS_PER_UPSERT));
      }
    });
  }
}
