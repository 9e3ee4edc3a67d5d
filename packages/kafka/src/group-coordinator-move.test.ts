import { afterEach, describe, expect, it } from 'vitest';
import { createConsumer } from './clients.js';
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
 * Patched in patches/@platformatic+kafka+1.35.0.patch. The consumer looked its group coordinator
 * up once and kept it: when the node leading the group's __consumer_offsets partition was paused
 * for 12 s on a 3-node cluster, the coordinator moved, and the JDBC sink's consumer sent every
 * commit, heartbeat and rejoin to the old node for good (NOT_COORDINATOR each time). Its task said
 * RUNNING and wrote nothing more; 69 acknowledged orders never reached the table.
 *
 * Two fake nodes speak just enough of the protocol: ApiVersions, Metadata (both nodes),
 * FindCoordinator (node 1 first, node 2 once node 1 has said NOT_COORDINATOR) and OffsetCommit
 * (node 1: NOT_COORDINATOR; node 2: done).
 */

const NOT_COORDINATOR = 16;

function answerOf(cluster: FakeCluster, index: number): Answer {
  return (apiKey, body) => {
    switch (apiKey) {
      case API.ApiVersions:
        return apiVersionsBody(body, [
          [API.OffsetCommit, 9, 9],
          [API.Metadata, 12, 12],
          [API.FindCoordinator, 6, 6],
          [API.ApiVersions, 3, 3],
        ]);
      case API.Metadata:
        return metadataBody(
          body,
          cluster.nodes.map((_, i) => nodeView(cluster, i)),
        );
      case API.FindCoordinator:
        return findCoordinatorBody(body, 'sink-group', nodeView(cluster, cluster.coordinator));
      case API.OffsetCommit: {
        const moved = index !== cluster.coordinator;
        return body
          .appendInt32(0)
          .appendArray(['orders'], (w, topic) =>
            w
              .appendString(topic)
              .appendArray([0], (w, partition) =>
                w.appendInt32(partition).appendInt16(moved ? NOT_COORDINATOR : 0),
              ),
          )
          .appendTaggedFields();
      }
      default:
        return undefined;
    }
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a consumer whose group coordinator moved', () => {
  it('looks the coordinator up again after NOT_COORDINATOR, and commits to the new one next time', async () => {
    const { cluster, stop } = await startFakeCluster(answerOf);
    cleanups.push(stop);
    const consumer = createConsumer({
      bootstrapServers: [`127.0.0.1:${cluster.nodes[0]?.port}`],
      clientId: 'coordinator-move-test',
      groupId: 'sink-group',
      retries: 3,
      retryDelayMs: 20,
      connectTimeoutMs: 1000,
      requestTimeoutMs: 2000,
    });
    cleanups.push(() => new Promise<void>((resolve) => consumer.close(true, () => resolve())));
    const offsets = [{ topic: 'orders', partition: 0, offset: 5n, leaderEpoch: -1 }];

    await consumer.commit({ offsets });
    expect(cluster.nodes[0]?.requests).toContain(API.OffsetCommit);

    // The group's coordinator moves to node 2; node 1 now answers NOT_COORDINATOR. That commit
    // fails (its retries keep their node); the next one looks the coordinator up again.
    cluster.coordinator = 1;
    const lookups = () =>
      cluster.nodes.flatMap((n) => n.requests).filter((k) => k === API.FindCoordinator).length;
    const lookupsBefore = lookups();
    await expect(consumer.commit({ offsets })).rejects.toThrow();
    // Unpatched, every later commit went to node 1 too, for the client's life.
    await consumer.commit({ offsets });
    expect(cluster.nodes[1]?.requests).toContain(API.OffsetCommit);
    expect(lookups()).toBeGreaterThan(lookupsBefore);
  });
});
