import { CatalogStore } from '@msa-sync/catalog-service';
import { IdempotencyKeys, type KeyRow, keyedOrderId, OrderStore } from '@msa-sync/order-service';
import { ServiceDatabase, serviceLogger } from '@msa-sync/service-runtime';
import { dialectFor, parseJdbcUrl } from '@msa-sync/sql';
import { EmailTakenError, UserStore } from '@msa-sync/user-service';
import { describe, expect, it } from 'vitest';
import { ALL_DIALECTS, createTestDatabase } from '../support/databases.js';
import { uniqueName } from '../support/run-process.js';

const logger = serviceLogger('test', 'stores', 'silent');

/** The services' tables and statements on each database the same DATABASE_URL can name. */
describe.each(ALL_DIALECTS)('%s: the services’ tables', (dialect) => {
  it('creates, fills and reads every table, twice over without harm', async () => {
    const test = await createTestDatabase(dialect, 'stores');
    const db = new ServiceDatabase(test.url, { user: test.user, password: test.password });
    const client = db.connect();
    const other = db.connect();
    try {
      await db.prepare();
      const users = new UserStore(db, client);
      await Promise.all([users.ensureSchema(), new UserStore(db, other).ensureSchema()]);
      await users.insert({ userId: 'u-1', email: 'a@b.co', name: 'Ann', encryptedPwd: 'scrypt$x' });
      await expect(
        users.insert({ userId: 'u-2', email: 'a@b.co', name: 'Bob', encryptedPwd: 'scrypt$y' }),
      ).rejects.toBeInstanceOf(EmailTakenError);
      const ann = await users.byEmail('a@b.co');
      expect(ann).toMatchObject({ userId: 'u-1', name: 'Ann' });
      expect(ann?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

      const catalog = new CatalogStore(db);
      await Promise.all([catalog.ensureSchema(client), catalog.ensureSchema(other)]);
      const seed = [{ productId: 'CATALOG-001', productName: 'Berlin', stock: 5, unitPrice: 1500 }];
      expect(await catalog.seed(client, seed)).toBe(1);
      expect(await catalog.seed(client, seed)).toBe(0);
      const taken = await client.transaction(async (tx) => {
        const change = await catalog.takeStock(tx, 'CATALOG-001', 3);
        await catalog.record(tx, {
          orderId: 'o-1',
          productId: 'CATALOG-001',
          qty: 3,
          status: 'ACCEPTED',
          reason: null,
          decidedAt: '2026-11-25T10:00:00.123Z',
        });
        return change;
      });
      expect(taken).toEqual({ applied: true });
      expect(await client.transaction((tx) => catalog.takeStock(tx, 'CATALOG-001', 3))).toEqual({
        applied: false,
        reason: 'OUT_OF_STOCK',
      });
      expect(await client.transaction((tx) => catalog.takeStock(tx, 'NOPE', 1))).toEqual({
        applied: false,
        reason: 'UNKNOWN_PRODUCT',
      });
      expect((await catalog.products(client))[0]?.stock).toBe(2);
      expect(await client.transaction((tx) => catalog.decision(tx, 'o-1'))).toMatchObject({
        status: 'ACCEPTED',
        qty: 3,
        decidedAt: '2026-11-25T10:00:00.123Z',
      });
      // A batch's statements: several ledger rows in one INSERT, one lookup for many ids, and a
      // product's orders taken together only when its stock covers them all.
      await client.transaction((tx) =>
        catalog.recordAll(tx, [
          {
            orderId: 'o-2',
            productId: 'CATALOG-001',
            qty: 1,
            status: 'ACCEPTED',
            reason: null,
            decidedAt: '2026-11-25T10:00:01.000Z',
          },
          {
            orderId: 'o-3',
            productId: 'NOPE',
            qty: 1,
            status: 'REJECTED',
            reason: 'UNKNOWN_PRODUCT',
            decidedAt: '2026-11-25T10:00:02.000Z',
          },
        ]),
      );
      const found = await client.transaction((tx) => catalog.decisions(tx, ['o-1', 'o-3', 'o-9', 'o-1']));
      expect([...found.keys()].sort()).toEqual(['o-1', 'o-3']);
      expect(found.get('o-3')).toMatchObject({ status: 'REJECTED', reason: 'UNKNOWN_PRODUCT', qty: 1 });
      expect(await client.transaction((tx) => catalog.takeStockTogether(tx, 'CATALOG-001', 3))).toBe(false);
      expect((await catalog.products(client))[0]?.stock).toBe(2);
      expect(await client.transaction((tx) => catalog.takeStockTogether(tx, 'CATALOG-001', 2))).toBe(true);
      expect((await catalog.products(client))[0]?.stock).toBe(0);
      // The CHECK keeps stock at zero or more even for a statement that forgets the WHERE.
      await expect(client.execute('UPDATE catalog SET stock = stock - 100')).rejects.toThrow();

      const orders = new OrderStore(db, logger);
      await Promise.all([orders.ensureSchema(client), new OrderStore(db, logger).ensureSchema(other)]);
      expect(await orders.userExists(client, 'u-1')).toBe(true);
      expect(await orders.userExists(client, 'nobody')).toBe(false);
      expect(await orders.ordersOf(client, 'u-1')).toEqual([]);
      // A row as the JDBC sink writes it (only the envelope's columns).
      const p = (i: number) => dialectFor(dialect).placeholder(i);
      await client.execute(
        `INSERT INTO orders (order_id, user_id, product_id, qty, unit_price, total_price) VALUES (${[1, 2, 3, 4, 5, 6].map(p).join(', ')})`,
        ['o-1', 'u-1', 'CATALOG-001', 3, 1500, 4500],
      );
      expect(await orders.ordersOf(client, 'u-1')).toEqual([
        expect.objectContaining({ orderId: 'o-1', totalPrice: 4500, status: 'PENDING' }),
      ]);
      const event = {
        orderId: 'o-1',
        userId: 'u-1',
        productId: 'CATALOG-001',
        qty: 3,
        status: 'ACCEPTED' as const,
        reason: null,
        decidedAt: '2026-11-25T10:00:00.123Z',
      };
      await orders.recordStatuses(client, [event]);
      await orders.recordStatuses(client, [event]);
      // A batch is one upsert; an order named twice in it is written once (PostgreSQL refuses to
      // update a row twice in one statement).
      await orders.recordStatuses(client, [event, { ...event, orderId: 'o-2', status: 'REJECTED' }, event]);
      const statuses = await client.query<Record<string, unknown>>(
        'SELECT order_id, status FROM order_status ORDER BY order_id',
      );
      expect(statuses.map((r) => [String(r.order_id), String(r.status)])).toEqual([
        ['o-1', 'ACCEPTED'],
        ['o-2', 'REJECTED'],
      ]);
      // More events than one upsert takes (200): several statements, in one transaction.
      await orders.recordStatuses(
        client,
        Array.from({ length: 450 }, (_, i) => ({
          ...event,
          orderId: `bulk-${i}`,
          status: 'REJECTED' as const,
        })),
      );
      const bulk = await client.query<Record<string, unknown>>(
        "SELECT COUNT(*) AS n FROM order_status WHERE order_id LIKE 'bulk-%' AND status = 'REJECTED'",
      );
      expect(Number(bulk[0]?.n)).toBe(450);
      const [listed] = await orders.ordersOf(client, 'u-1');
      expect(listed).toMatchObject({ orderId: 'o-1', qty: 3, unitPrice: 1500, status: 'ACCEPTED' });
      expect(listed?.createdAt).toMatch(/Z$/);
    } finally {
      await client.close();
      await other.close();
      await test.drop();
    }
  }, 60_000);

  it('keeps Idempotency-Keys: one row per user and key, leases taken over once, the first answer kept', async () => {
    const test = await createTestDatabase(dialect, 'keys');
    const db = new ServiceDatabase(test.url, { user: test.user, password: test.password });
    const client = db.connect();
    try {
      await db.prepare();
      const keys = new IdempotencyKeys(db);
      await keys.ensureSchema(client);
      await keys.ensureSchema(client);
      // Milliseconds since the epoch: beyond 32 bits, so the columns must be BIGINT everywhere.
      const now = Date.UTC(2026, 11, 5, 12, 0, 0, 123);
      const row: KeyRow = {
        userId: 'u-1',
        key: 'k'.repeat(255),
        requestHash: 'a'.repeat(64),
        orderId: keyedOrderId('u-1', 'k', now),
        firstUsedMs: now,
        leaseUntilMs: now + 3000,
        answer: undefined,
      };
      expect(await keys.claimNew(client, row)).toBe(true);
      expect(await keys.claimNew(client, { ...row, requestHash: 'b'.repeat(64) })).toBe(false);
      expect(await keys.claimNew(client, { ...row, userId: 'u-2' })).toBe(true);
      expect(await keys.find(client, 'u-1', row.key)).toEqual(row);
      expect(await keys.find(client, 'u-1', 'other')).toBeUndefined();

      // Two retries race for an expired lease: exactly one gets it.
      const races = await Promise.all([
        keys.takeOver(client, row, now + 10_000),
        keys.takeOver(client, row, now + 10_001),
      ]);
      expect(races.filter(Boolean)).toHaveLength(1);
      const held = (await keys.find(client, 'u-1', row.key)) as KeyRow;
      expect([now + 10_000, now + 10_001]).toContain(held.leaseUntilMs);
      await keys.release(client, held);
      expect((await keys.find(client, 'u-1', row.key))?.leaseUntilMs).toBe(0);

      const answer = { orderId: row.orderId, createdAt: new Date(now).toISOString(), totalPrice: 1500 };
      await keys.completeAll(client, [{ row, status: 201, body: answer }]);
      await keys.completeAll(client, [{ row, status: 201, body: { orderId: 'second-answer' } }]);
      expect((await keys.find(client, 'u-1', row.key))?.answer).toEqual({ status: 201, body: answer });
      expect(await keys.takeOver(client, { ...row, leaseUntilMs: 0 }, now + 20_000)).toBe(false);

      // Several answers in one statement: each key gets its own, an answered key keeps its first,
      // and another user's row under the same key is not touched.
      const batch = [`it's-${'x'.repeat(200)}`, 'b', 'c'].map((key, i) => ({
        ...row,
        userId: 'u-3',
        key,
        orderId: keyedOrderId('u-3', key, now + i),
        firstUsedMs: now + i,
      }));
      for (const r of batch) expect(await keys.claimNew(client, r)).toBe(true);
      await keys.completeAll(
        client,
        [...batch, row].map((r, i) => ({ row: r, status: 201, body: { orderId: r.orderId, n: i } })),
      );
      for (const [i, r] of batch.entries()) {
        expect((await keys.find(client, 'u-3', r.key))?.answer).toEqual({
          status: 201,
          body: { orderId: r.orderId, n: i },
        });
      }
      expect((await keys.find(client, 'u-1', row.key))?.answer).toEqual({ status: 201, body: answer });
      expect((await keys.find(client, 'u-2', row.key))?.answer).toBeUndefined();
      await keys.completeAll(client, [{ row: batch[1] as KeyRow, status: 500, body: { late: true } }]);
      expect((await keys.find(client, 'u-3', 'b'))?.answer?.status).toBe(201);

      expect(await keys.purge(client, now)).toBe(0);
      expect(await keys.purge(client, now + 1)).toBe(3);
      expect(await keys.find(client, 'u-1', row.key)).toBeUndefined();
    } finally {
      await client.close();
      await test.drop();
    }
  }, 60_000);

  // Only a server has databases to create: not registered for SQLite.
  if (dialect !== 'sqlite')
    it('creates the database a URL names when it is missing', async () => {
      const name = uniqueName('fresh').replaceAll('-', '_');
      const base =
        dialect === 'mariadb' ? 'jdbc:mariadb://127.0.0.1:3306' : 'jdbc:postgresql://127.0.0.1:5432';
      const user = dialect === 'mariadb' ? 'root' : 'postgres';
      const db = new ServiceDatabase(`${base}/${name}`, { user });
      await db.prepare();
      await db.prepare();
      const client = db.connect();
      expect(await client.query('SELECT 1 AS one')).toHaveLength(1);
      await client.close();
      const admin = await dialectFor(dialect).connect(
        parseJdbcUrl(dialect === 'mariadb' ? `${base}/` : `${base}/postgres`),
        {
          user,
        },
      );
      await admin.execute(
        `DROP DATABASE ${dialectFor(dialect).quoteIdentifier(name)}${dialect === 'postgres' ? ' WITH (FORCE)' : ''}`,
      );
      await admin.close();
    }, 60_000);
});
