import type { Row, SqlClient } from '@msa-sync/sql';
import { describe, expect, it } from 'vitest';
import { ReconnectingSqlClient } from './service-database.js';

/** A connection that answers until `breakIt()`, then fails every statement as a closed socket does. */
function fakeConnection(id: number) {
  let broken = false;
  let closed = false;
  const client: SqlClient = {
    query: async <T extends Row>() => {
      if (broken)
        throw Object.assign(new Error('Cannot execute new commands: connection closed'), {
          code: 'ER_CMD_CONNECTION_CLOSED',
        });
      return [{ connection: id }] as unknown as T[];
    },
    execute: async () => ({ affectedRows: 0 }),
    executeMany: async () => ({ affectedRows: 0 }),
    transaction: async (work) => {
      if (broken)
        throw Object.assign(new Error('socket has unexpectedly been closed'), {
          code: 'ER_SOCKET_UNEXPECTED_CLOSE',
        });
      return work(client);
    },
    close: async () => {
      closed = true;
    },
  };
  return {
    client,
    breakIt: () => {
      broken = true;
    },
    isClosed: () => closed,
  };
}

describe('ReconnectingSqlClient', () => {
  // Regression (fault suite, kill -9 of MariaDB under load): the broken connection was never
  // replaced, so after a database restart catalog-service stopped deciding orders and
  // user-service / order-service answered 500 until they were restarted themselves.
  it('opens a new connection for the next statement after the connection broke', async () => {
    const opened: ReturnType<typeof fakeConnection>[] = [];
    const client = new ReconnectingSqlClient(async () => {
      const c = fakeConnection(opened.length + 1);
      opened.push(c);
      return c.client;
    });
    expect(await client.query('SELECT 1')).toEqual([{ connection: 1 }]);
    opened[0]?.breakIt();
    // A read is repeated on a new connection: the caller never sees the restart.
    expect(await client.query('SELECT 1')).toEqual([{ connection: 2 }]);
    expect(opened[0]?.isClosed()).toBe(true);

    // A write is not: it fails, and the next statement gets a new connection.
    opened[1]?.breakIt();
    await expect(client.transaction(async () => 'done')).rejects.toThrow(/unexpectedly been closed/);
    expect(opened[1]?.isClosed()).toBe(true);
    expect(await client.transaction(async (tx) => tx.query('SELECT 1'))).toEqual([{ connection: 3 }]);
    expect(opened).toHaveLength(3);
  });

  it('keeps its connection after an error that is not about the connection', async () => {
    let opens = 0;
    const client = new ReconnectingSqlClient(async () => {
      opens++;
      const c = fakeConnection(opens);
      return {
        ...c.client,
        query: async () => {
          throw new Error("Table 'msa.nope' doesn't exist");
        },
      };
    });
    await expect(client.query('SELECT * FROM nope')).rejects.toThrow(/doesn't exist/);
    await expect(client.query('SELECT * FROM nope')).rejects.toThrow(/doesn't exist/);
    expect(opens).toBe(1);
  });

  it('tries to open again after opening failed (database still down)', async () => {
    let opens = 0;
    const client = new ReconnectingSqlClient(async () => {
      opens++;
      if (opens === 1)
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
      return fakeConnection(opens).client;
    });
    await expect(client.query('SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    expect(await client.query('SELECT 1')).toEqual([{ connection: 2 }]);
  });
});
