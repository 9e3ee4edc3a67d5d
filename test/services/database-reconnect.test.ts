import { ServiceDatabase } from '@msa-sync/service-runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

/**
 * A service's connection killed by the server (what a MariaDB or PostgreSQL restart does to
 * every client) must not turn the next HTTP read into a 500: the read runs again on a new
 * connection. Seen in the fault suite: one 500 per service after each MariaDB restart.
 */
const dialects = ['mariadb', 'postgres'] as const;
const databases: TestDatabase[] = [];

afterAll(async () => {
  for (const db of databases) await db.drop();
});

describe.each(dialects)('a service connection killed by %s', (name) => {
  const idQuery = name === 'mariadb' ? 'SELECT CONNECTION_ID() AS id' : 'SELECT pg_backend_pid() AS id';
  const kill = (id: unknown) =>
    name === 'mariadb' ? `KILL CONNECTION ${Number(id)}` : `SELECT pg_terminate_backend(${Number(id)})`;

  it('answers the next read on a new connection; a write in flight fails and is not repeated', async () => {
    const db = await createTestDatabase(name, 'reconnect');
    databases.push(db);
    const service = new ServiceDatabase(db.url, { user: db.user });
    const client = service.connect();
    const killer = await db.connect();
    try {
      await client.execute('CREATE TABLE counter (n INT)');
      const [first] = await client.query<{ id: unknown }>(idQuery);
      await killer.query(kill(first?.id));

      const [second] = await client.query<{ id: unknown }>(idQuery);
      expect(Number(second?.id)).not.toBe(Number(first?.id));

      await killer.query(kill(second?.id));
      await expect(client.execute('INSERT INTO counter (n) VALUES (1)')).rejects.toThrow();
      // Not repeated behind the caller's back; the next statement has a connection again.
      expect(await client.query('SELECT n FROM counter')).toEqual([]);
    } finally {
      await killer.close();
      await client.close();
    }
  });
});
