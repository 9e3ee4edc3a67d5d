import { createServer, type Server, type Socket } from 'node:net';
import { Writer } from '@platformatic/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { createRawProducer, createTransactionalProducer } from './clients.js';

/**
 * Patched in patches/@platformatic+kafka+1.35.0.patch. A transactional producer whose
 * beginTransaction failed in InitProducerId (CONCURRENT_TRANSACTIONS while the coordinator still
 * aborted the previous transaction, or the coordinator unreachable) kept the failed Transaction
 * as its own. SequencedProducer then aborted it; the abort read the producer id InitProducerId
 * never gave and threw a TypeError from a socket callback: both order-service instances died after
 * the active controller of a 3-node cluster was killed, and the shop took no orders again.
 *
 * The broker here is a fake that speaks just enough of the protocol: ApiVersions, Metadata,
 * FindCoordinator (itself), and InitProducerId answered with CONCURRENT_TRANSACTIONS.
 */

const API = { Metadata: 3, FindCoordinator: 10, ApiVersions: 18, InitProducerId: 22, EndTxn: 26 } as const;
const CONCURRENT_TRANSACTIONS = 51;

class FakeCoordinator {
  readonly requests: number[] = [];
  #server: Server;
  #sockets = new Set<Socket>();
  port = 0;

  constructor(readonly transactionalId: string) {
    this.#server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
          const size = pending.readInt32BE(0);
          const request = pending.subarray(4, 4 + size);
          pending = pending.subarray(4 + size);
          const response = this.#answer(request.readInt16BE(0), request.readInt32BE(4));
          if (response) socket.write(response);
        }
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #answer(apiKey: number, correlationId: number): Buffer | undefined {
    this.requests.push(apiKey);
    const body = Writer.create();
    switch (apiKey) {
      case API.ApiVersions: {
        const versions: [number, number, number][] = [
          [API.Metadata, 12, 12],
          [API.FindCoordinator, 6, 6],
          [API.ApiVersions, 3, 3],
          [API.InitProducerId, 5, 5],
          [API.EndTxn, 4, 4],
        ];
        body
          .appendInt16(0)
          .appendArray(versions, (w, [key, min, max]) => w.appendInt16(key).appendInt16(min).appendInt16(max))
          .appendInt32(0)
          .appendTaggedFields();
        // ApiVersions answers with the old response header (no tagged fields).
        return frame(correlationId, body, false);
      }
      case API.Metadata:
        body
          .appendInt32(0)
          .appendArray([1], (w) =>
            w.appendInt32(1).appendString('127.0.0.1').appendInt32(this.port).appendString(null),
          )
          .appendString('fake-cluster')
          .appendInt32(1)
          .appendArray([], () => {})
          .appendTaggedFields();
        return frame(correlationId, body);
      case API.FindCoordinator:
        body
          .appendInt32(0)
          .appendArray([this.transactionalId], (w, key) =>
            w
              .appendString(key)
              .appendInt32(1)
              .appendString('127.0.0.1')
              .appendInt32(this.port)
              .appendInt16(0)
              .appendString(null),
          )
          .appendTaggedFields();
        return frame(correlationId, body);
      case API.InitProducerId:
        body
          .appendInt32(0)
          .appendInt16(CONCURRENT_TRANSACTIONS)
          .appendInt64(-1n)
          .appendInt16(-1)
          .appendTaggedFields();
        return frame(correlationId, body);
      default:
        // EndTxn must never come: no transaction began. Unanswered, the test sees it in `requests`.
        return undefined;
    }
  }
}

function frame(correlationId: number, body: Writer, taggedHeader = true): Buffer {
  const header = Writer.create().appendInt32(correlationId);
  if (taggedHeader) header.appendTaggedFields();
  const payload = Buffer.concat([header.buffer, body.buffer]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(payload.length);
  return Buffer.concat([length, payload]);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a transactional producer whose beginTransaction failed', () => {
  it('is left with no transaction, so nothing aborts one the broker never opened', async () => {
    const transactionalId = 'orders-tx-test';
    const broker = new FakeCoordinator(transactionalId);
    await broker.start();
    cleanups.push(() => broker.stop());
    const producer = createRawProducer({
      bootstrapServers: [`127.0.0.1:${broker.port}`],
      clientId: 'transaction-begin-test',
      transactionalId,
      // An idempotent producer reads fewer than 2 retries as unlimited.
      retries: 2,
      retryDelayMs: 20,
      connectTimeoutMs: 1000,
      requestTimeoutMs: 2000,
    });
    cleanups.push(() => new Promise<void>((resolve) => producer.close(true, () => resolve())));

    await expect(producer.beginTransaction()).rejects.toThrow();
    expect(broker.requests).toContain(API.InitProducerId);
    // Unpatched, the failed Transaction stayed here; SequencedProducer's abort of it threw a
    // TypeError ('producerId' of undefined) from the coordinator connection's callback.
    expect(producer.transaction).toBeUndefined();

    // The producer is not stuck either: the next begin asks the coordinator again instead of
    // failing with "There is already an active transaction".
    const before = broker.requests.filter((k) => k === API.InitProducerId).length;
    await expect(producer.beginTransaction()).rejects.toThrow();
    expect(broker.requests.filter((k) => k === API.InitProducerId).length).toBeGreaterThan(before);
    expect(broker.requests).not.toContain(API.EndTxn);
  });

  it('fails only that send of a SequencedProducer: no throw from its failure path, the next send tries again', async () => {
    const transactionalId = 'orders-tx-sequenced-test';
    const broker = new FakeCoordinator(transactionalId);
    await broker.start();
    cleanups.push(() => broker.stop());
    const producer = createTransactionalProducer({
      bootstrapServers: [`127.0.0.1:${broker.port}`],
      clientId: 'transaction-begin-sequenced-test',
      transactionalId,
      retries: 2,
      retryDelayMs: 20,
      connectTimeoutMs: 1000,
      requestTimeoutMs: 2000,
    });
    cleanups.push(() => producer.close().catch(() => {}));
    const order = { messages: [{ topic: 'orders', key: Buffer.from('k'), value: Buffer.from('v') }] };

    // Unpatched, the failure path's abort threw out of the send loop (an unhandled rejection,
    // which vitest reports) or, on a fresh coordinator connection, out of a socket callback.
    await expect(producer.send(order)).rejects.toThrow();
    const first = broker.requests.filter((k) => k === API.InitProducerId).length;
    await expect(producer.send(order)).rejects.toThrow();
    expect(broker.requests.filter((k) => k === API.InitProducerId).length).toBeGreaterThan(first);
    expect(broker.requests).not.toContain(API.EndTxn);
  });
});
