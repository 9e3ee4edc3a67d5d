import { ConnectionPool } from '@platformatic/kafka';
import { describe, expect, inject, it } from 'vitest';

/**
 * Patched in patches/@platformatic+kafka+1.35.0.patch. The client's connection pool listened for
 * a connection's 'error' only once; a socket that fails twice (a broker killed mid-request: the
 * reset, then a write to the dead socket) emitted a second 'error' with no listener, which ends
 * a Node process. The fault suite lost its Connect worker that way in a broker kill -9 round.
 */
const [host = '127.0.0.1', port = '9092'] = inject('kafkaBootstrap').split(':');

describe('a pooled broker connection that fails twice (real broker)', () => {
  it('does not throw on the second error, and the pool drops the connection', async () => {
    const pool = new ConnectionPool('connection-errors-test');
    try {
      const broker = { host, port: Number(port) };
      const connection = await pool.get(broker);
      const failure = () => connection.emit('error', new Error('read ECONNRESET'));
      expect(failure).not.toThrow();
      // Unpatched, this emit had no listener left and threw (in a real run: the process died).
      expect(failure).not.toThrow();
      const next = await pool.get(broker);
      expect(next).not.toBe(connection);
    } finally {
      await pool.close();
    }
  });

  it('answers a request for no broker with an error, not a throw (metadata read while a broker restarts)', async () => {
    const pool = new ConnectionPool('connection-errors-test-missing');
    try {
      // The transactional producer looks its coordinator up in metadata that can lack it for a
      // moment after a broker restart; unpatched, reading `.host` of undefined threw out of a
      // timer callback and ended both order-service instances in a fault round.
      const missing = undefined as unknown as { host: string; port: number };
      await expect(pool.get(missing)).rejects.toThrow(/No broker is known for this request/);
    } finally {
      await pool.close();
    }
  });
});
