import { createHash } from 'node:crypto';
import { ensureTable, type ServiceDatabase, ServiceError, type SqlClient } from '@msa-sync/service-runtime';
import type { OrderRequest } from './order-validation.js';

/** The header clients send (IETF draft httpapi-idempotency-key-header, as payment APIs use it). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Printable ASCII, 1 to 255 characters (the column's width). */
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

/** The header's value; undefined without one; 400 when it cannot be a key. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const raw = headers[IDEMPOTENCY_KEY_HEADER];
  if (raw === undefined) return undefined;
  // The draft's header is an sf-string ("…"); a bare token is taken as it is.
  const value = Array.isArray(raw) ? raw : [raw];
  const unquoted = value.length === 1 ? (value[0] as string).replace(/^"(.*)"$/, '$1') : '';
  if (!KEY_SHAPE.test(unquoted)) {
    throw new ServiceError(
      'VALIDATION_FAILED',
      'Idempotency-Key must be 1 to 255 printable ASCII characters',
      {
        details: [
          { field: 'Idempotency-Key', problem: 'must be 1 to 255 printable ASCII characters, sent once' },
        ],
      },
    );
  }
  return unquoted;
}

/** What makes two requests "the same request" for one key: the user and the checked body. */
export function requestHash(userId: string, order: OrderRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([userId, order.productId, order.qty, order.unitPrice]))
    .digest('hex');
}

/** A fixed namespace for order ids made from keys (a random UUID chosen once for this purpose). */
const ORDER_ID_NAMESPACE = Buffer.from('8b0f2d64e5a94c0e9a41f3c2d7b6a915', 'hex');

/**
 * The order id of a keyed order: a UUIDv5 (RFC 9562) of the user, the key and when the key was
 * first used, so every retry of it — on any instance, after any crash — publishes the same order
 * id, which the sink's upsert and the catalog's ledger take once. A key used again after it
 * expired is a new order, hence the time in the name.
 */
export function keyedOrderId(userId: string, key: string, firstUsedMs: number): string {
  const hash = createHash('sha1')
    .update(ORDER_ID_NAMESPACE)
    .update(`${userId}\u0000${key}\u0000${firstUsedMs}`)
    .digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** One key's row. `answer` is set once the order was acknowledged by Kafka. */
export interface KeyRow {
  userId: string;
  key: string;
  requestHash: string;
  orderId: string;
  firstUsedMs: number;
  /** Until then the request that holds the key is presumed alive; afterwards a retry takes over. */
  leaseUntilMs: number;
  answer: { status: number; body: unknown } | undefined;
}

/** The answer a key's first request got, to be recorded (IdempotencyKeys.completeAll). */
export interface KeyAnswer {
  row: KeyRow;
  status: number;
  body: unknown;
}

export type KeyVerdict =
  | { action: 'replay'; status: number; body: unknown }
  | { action: 'mismatch' }
  | { action: 'wait' }
  | { action: 'take-over' };

/** What a request carrying a known key does, given the key's row. */
export function judgeKey(row: KeyRow, hash: string, nowMs: number): KeyVerdict {
  if (row.requestHash !== hash) return { action: 'mismatch' };
  if (row.answer) return { action: 'replay', status: row.answer.status, body: row.answer.body };
  return row.leaseUntilMs > nowMs ? { action: 'wait' } : { action: 'take-over' };
}

export function isExpired(row: KeyRow, nowMs: number, ttlMs: number): boolean {
  return row.firstUsedMs + ttlMs <= nowMs;
}

/**
 * `order_idempotency_keys` in the shared database: every instance sees every key, and keys
 * survive restarts. A row is inserted before the order is published (so a retry finds the order
 * id even if the instance dies right after Kafka committed) and given the answer after.
 */
export class IdempotencyKeys {
  static readonly TABLE = 'order_idempotency_keys';
  readonly #db: ServiceDatabase;

  constructor(db: ServiceDatabase) {
    this.#db = db;
  }

  async ensureSchema(client: SqlClient): Promise<void> {
    const s = this.#db.sql;
    await ensureTable(
      client,
      s.createTable(IdempotencyKeys.TABLE, [
        `${s.id('user_id')} ${s.varchar(50)} NOT NULL`,
        `${s.id('idempotency_key')} ${s.varchar(255)} NOT NULL`,
        `${s.id('request_hash')} ${s.varchar(64)} NOT NULL`,
        `${s.id('order_id')} ${s.varchar(50)} NOT NULL`,
        `${s.id('first_used_ms')} BIGINT NOT NULL`,
        `${s.id('lease_until_ms')} BIGINT NOT NULL`,
        `${s.id('answer_status')} ${s.int}`,
        `${s.id('answer')} TEXT`,
        `PRIMARY KEY (${s.id('user_id')}, ${s.id('idempotency_key')})`,
      ]),
    );
  }

  async find(client: SqlClient, userId: string, key: string): Promise<KeyRow | undefined> {
    const s = this.#db.sql;
    const rows = await client.query<Record<string, unknown>>(
      `SELECT ${['request_hash', 'order_id', 'first_used_ms', 'lease_until_ms', 'answer_status', 'answer']
        .map((c) => s.id(c))
        .join(', ')}
       FROM ${s.id(IdempotencyKeys.TABLE)} WHERE ${this.#where()}`,
      [userId, key],
    );
    const r = rows[0];
    if (!r) return undefined;
    const answer = r.answer === null || r.answer === undefined ? undefined : String(r.answer);
    return {
      userId,
      key,
      requestHash: String(r.request_hash),
      orderId: String(r.order_id),
      firstUsedMs: Number(r.first_used_ms),
      leaseUntilMs: Number(r.lease_until_ms),
      answer:
        answer === undefined ? undefined : { status: Number(r.answer_status), body: JSON.parse(answer) },
    };
  }

  /** Inserts a new key; false when another request inserted it first. */
  async claimNew(client: SqlClient, row: KeyRow): Promise<boolean> {
    const s = this.#db.sql;
    const columns = [
      'user_id',
      'idempotency_key',
      'request_hash',
      'order_id',
      'first_used_ms',
      'lease_until_ms',
    ];
    try {
      await client.execute(
        `INSERT INTO ${s.id(IdempotencyKeys.TABLE)} (${columns.map((c) => s.id(c)).join(', ')})
         VALUES (${s.params(columns.length)})`,
        [row.userId, row.key, row.requestHash, row.orderId, row.firstUsedMs, row.leaseUntilMs],
      );
      return true;
    } catch (error) {
      // A duplicate key (each driver words it differently): the row is there now.
      if (await this.find(client, row.userId, row.key)) return false;
      throw error;
    }
  }

  /** Takes an unanswered key whose lease ran out; false when another retry took it first. */
  async takeOver(client: SqlClient, row: KeyRow, leaseUntilMs: number): Promise<boolean> {
    const s = this.#db.sql;
    const result = await client.execute(
      `UPDATE ${s.id(IdempotencyKeys.TABLE)} SET ${s.id('lease_until_ms')} = ${s.p(1)}
       WHERE ${this.#where(2)} AND ${s.id('lease_until_ms')} = ${s.p(4)} AND ${s.id('answer')} IS NULL`,
      [leaseUntilMs, row.userId, row.key, row.leaseUntilMs],
    );
    return result.affectedRows === 1;
  }

  /** Gives up the lease at once (the publish failed), so a retry need not wait for it. */
  async release(client: SqlClient, row: KeyRow): Promise<void> {
    const s = this.#db.sql;
    await client.execute(
      `UPDATE ${s.id(IdempotencyKeys.TABLE)} SET ${s.id('lease_until_ms')} = 0
       WHERE ${this.#where()} AND ${s.id('lease_until_ms')} = ${s.p(3)} AND ${s.id('answer')} IS NULL`,
      [row.userId, row.key, row.leaseUntilMs],
    );
  }

  /**
   * Records the answers every later request with these keys gets (the first answer stays), in one
   * statement per answer status (in practice one: 201), so the answers of the orders one Kafka
   * transaction acknowledged cost one round trip (see StatementBatcher).
   */
  async completeAll(client: SqlClient, answers: readonly KeyAnswer[]): Promise<void> {
    const byStatus = new Map<number, KeyAnswer[]>();
    for (const a of answers) {
      const group = byStatus.get(a.status);
      if (group) group.push(a);
      else byStatus.set(a.status, [a]);
    }
    for (const [status, group] of byStatus) {
      const s = this.#db.sql;
      const params: unknown[] = [status];
      const cases = group.map((a) => {
        params.push(a.row.userId, a.row.key, JSON.stringify(a.body));
        const n = params.length;
        return `WHEN ${this.#where(n - 2)} THEN ${s.p(n)}`;
      });
      const keys = group.map((a) => {
        params.push(a.row.userId, a.row.key);
        return `(${this.#where(params.length - 1)})`;
      });
      await client.execute(
        `UPDATE ${s.id(IdempotencyKeys.TABLE)} SET ${s.id('answer_status')} = ${s.p(1)},
         ${s.id('answer')} = CASE ${cases.join(' ')} END
         WHERE ${s.id('answer')} IS NULL AND (${keys.join(' OR ')})`,
        params,
      );
    }
  }

  /** Deletes one expired key (only if it is still the row that expired). */
  async forget(client: SqlClient, row: KeyRow): Promise<void> {
    const s = this.#db.sql;
    await client.execute(
      `DELETE FROM ${s.id(IdempotencyKeys.TABLE)} WHERE ${this.#where()} AND ${s.id('first_used_ms')} = ${s.p(3)}`,
      [row.userId, row.key, row.firstUsedMs],
    );
  }

  /** Deletes every key first used before `beforeMs`; resolves with how many. */
  async purge(client: SqlClient, beforeMs: number): Promise<number> {
    const s = this.#db.sql;
    const result = await client.execute(
      `DELETE FROM ${s.id(IdempotencyKeys.TABLE)} WHERE ${s.id('first_used_ms')} < ${s.p(1)}`,
      [beforeMs],
    );
    return result.affectedRows;
  }

  #where(from = 1): string {
    const s = this.#db.sql;
    return `${s.id('user_id')} = ${s.p(from)} AND ${s.id('idempotency_key')} = ${s.p(from + 1)}`;
  }
}
