import { afterEach, describe, expect, it } from 'vitest';
import { createRawProducer, createTransactionalProducer } from './clients.js';
import {
  API,
  apiVersionsBody,
  FakeKafkaNode,
  findCoordinatorBody,
  metadataBody,
} from './fake-kafka-node.test-support.js';

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

const CONCURRENT_TRANSACTIONS = 51;

/** One node that is its own coordinator and answers InitProducerId with CONCURRENT_TRANSACTIONS. */
function fakeCoordinator(transactionalId: string): FakeKafkaNode {
  const node: FakeKafkaNode = new FakeKafkaNode((apiKey, body) => {
    const self = { nodeId: 1, port: node.port };
    switch (apiKey) {
      case API.ApiVersions:
        return apiVersionsBody(body, [
          [API.Metadata, 12, 12],
          [API.FindCoordinator, 6, 6],
          [API.ApiVersions, 3, 3],
          [API.InitProducerId, 5, 5],
          [API.EndTxn, 4, 4],
        ]);
      case API.Metadata:
        return metadataBody(body, [self]);
      case API.FindCoordinator:
        return findCoordinatorBody(body, transactionalId, self);
      case API.InitProducerId:
        return body
          .appendInt32(0)
          .appendInt16(CONCURRENT_TRANSACTIONS)
          .appendInt64(-1n)
          .appendInt16(-1)
          .appendTaggedFields();
      default:
        // EndTxn must never come: no transaction began. Unanswered, the test sees it in `requests`.
        return undefined;
    }
  });
  return node;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a transactional producer whose beginTransaction failed', () => {
  it('is left with no transaction, so nothing aborts one the broker never opened', async () => {
    const transactionalId = 'orders-tx-test';
    const broker = fakeCoordinator(transactionalId);
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
    const broker = fakeCoordinator(transactionalId);
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
