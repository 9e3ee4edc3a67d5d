import { afterEach, describe, expect, it } from 'vitest';
import { createRawProducer } from './clients.js';
import {
  type Answer,
  API,
  apiVersionsBody,
  type FakeCluster,
  findCoordinatorBody,
  metadataBody,
  nodeView,
  startFakeCluster,
} from './fake-kafka-node.test-support.js';

/**
 * Patched in patches/@platformatic+kafka+1.35.0.patch. The transactional producer looked its
 * transaction coordinator up at its first transaction and kept it for its life: once the
 * coordinator moved (its node paused or restarted on a 3-node cluster), every EndTxn,
 * AddPartitionsToTxn and InitProducerId went to the old node and failed with NOT_COORDINATOR, so
 * order-service answered every order 503 until it was restarted. Now, as the Java client does,
 * such an answer makes the producer look the coordinator up again before its next request.
 *
 * Two fake nodes speak just enough of the protocol: ApiVersions, Metadata (both nodes),
 * FindCoordinator (whichever node coordinates now), InitProducerId, and EndTxn (done on the
 * coordinator, NOT_COORDINATOR elsewhere).
 */

const NOT_COORDINATOR = 16;
const TRANSACTIONAL_ID = 'orders-tx-move-test';

function answerOf(cluster: FakeCluster, index: number): Answer {
  const status = () => (index === cluster.coordinator ? 0 : NOT_COORDINATOR);
  return (apiKey, body) => {
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
        return metadataBody(
          body,
          cluster.nodes.map((_, i) => nodeView(cluster, i)),
        );
      case API.FindCoordinator:
        return findCoordinatorBody(body, TRANSACTIONAL_ID, nodeView(cluster, cluster.coordinator));
      case API.InitProducerId:
        return body.appendInt32(0).appendInt16(status()).appendInt64(7n).appendInt16(0).appendTaggedFields();
      case API.EndTxn:
        return body.appendInt32(0).appendInt16(status()).appendTaggedFields();
      default:
        return undefined;
    }
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a transactional producer whose coordinator moved', () => {
  it('looks the coordinator up again after NOT_COORDINATOR and ends the transaction there', async () => {
    const { cluster, stop } = await startFakeCluster(answerOf);
    cleanups.push(stop);
    const producer = createRawProducer({
      bootstrapServers: [`127.0.0.1:${cluster.nodes[0]?.port}`],
      clientId: 'transaction-coordinator-move-test',
      transactionalId: TRANSACTIONAL_ID,
      retries: 3,
      retryDelayMs: 20,
      connectTimeoutMs: 1000,
      requestTimeoutMs: 2000,
    });
    cleanups.push(() => new Promise<void>((resolve) => producer.close(true, () => resolve())));
    const ends = (i: number) => cluster.nodes[i]?.requests.filter((k) => k === API.EndTxn).length ?? 0;
    const lookups = () =>
      cluster.nodes.flatMap((n) => n.requests).filter((k) => k === API.FindCoordinator).length;

    await (await producer.beginTransaction()).commit();
    expect(ends(0)).toBe(1);

    // The coordinator moves to node 2; node 1 answers NOT_COORDINATOR from now on.
    cluster.coordinator = 1;
    const lookupsBefore = lookups();
    // Unpatched, this commit and every later one went to node 1 and failed.
    await (await producer.beginTransaction()).commit();
    expect(ends(0)).toBe(2);
    expect(ends(1)).toBe(1);
    expect(lookups()).toBe(lookupsBefore + 1);

    // It stays with the new coordinator.
    await (await producer.beginTransaction()).commit();
    expect(ends(0)).toBe(2);
    expect(ends(1)).toBe(2);
  });
});
