import { createServer, type Server, type Socket } from 'node:net';
import { Writer } from '@platformatic/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsumer } from './clients.js';

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

const API = { OffsetCommit: 8, Metadata: 3, FindCoordinator: 10, ApiVersions: 18 } as const;
const NOT_COORDINATOR = 16;

interface Cluster {
  nodes: FakeNode[];
  /** The node FindCoordinator names. */
  coordinator: number;
}

class FakeNode {
  readonly requests: number[] = [];
  #server: Server;
  #sockets = new Set<Socket>();
  port = 0;

  constructor(
    readonly nodeId: number,
    readonly cluster: Cluster,
  ) {
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
          [API.OffsetCommit, 9, 9],
          [API.Metadata, 12, 12],
          [API.FindCoordinator, 6, 6],
          [API.ApiVersions, 3, 3],
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
          .appendArray(this.cluster.nodes, (w, node) =>
            w.appendInt32(node.nodeId).appendString('127.0.0.1').appendInt32(node.port).appendString(null),
          )
          .appendString('fake-cluster')
          .appendInt32(1)
          .appendArray([], () => {})
          .appendTaggedFields();
        return frame(correlationId, body);
      case API.FindCoordinator: {
        const coordinator = this.cluster.nodes.find((n) => n.nodeId === this.cluster.coordinator);
        body
          .appendInt32(0)
          .appendArray(['sink-group'], (w, key) =>
            w
              .appendString(key)
              .appendInt32(coordinator?.nodeId ?? -1)
              .appendString('127.0.0.1')
              .appendInt32(coordinator?.port ?? -1)
              .appendInt16(0)
              .appendString(null),
          )
          .appendTaggedFields();
        return frame(correlationId, body);
      }
      case API.OffsetCommit: {
        const moved = this.nodeId !== this.cluster.coordinator;
        body
          .appendInt32(0)
          .appendArray(['orders'], (w, topic) =>
            w
              .appendString(topic)
              .appendArray([0], (w, partition) =>
                w.appendInt32(partition).appendInt16(moved ? NOT_COORDINATOR : 0),
              ),
          )
          .appendTaggedFields();
        return frame(correlationId, body);
      }
      default:
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

describe('a consumer whose group coordinator moved', () => {
  it('looks the coordinator up again after NOT_COORDINATOR, and commits to the new one', async () => {
    const cluster: Cluster = { nodes: [], coordinator: 1 };
    cluster.nodes.push(new FakeNode(1, cluster), new FakeNode(2, cluster));
    for (const node of cluster.nodes) {
      await node.start();
      cleanups.push(() => node.stop());
    }
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

    // The group's coordinator moves to node 2; node 1 now answers NOT_COORDINATOR.
    cluster.coordinator = 2;
    const lookupsBefore = cluster.nodes
      .flatMap((n) => n.requests)
      .filter((k) => k === API.FindCoordinator).length;
    // Unpatched, all four attempts went to node 1 and the commit failed ("commit failed 4 times").
    await consumer.commit({ offsets });
    expect(cluster.nodes[1]?.requests).toContain(API.OffsetCommit);
    const lookupsAfter = cluster.nodes
      .flatMap((n) => n.requests)
      .filter((k) => k === API.FindCoordinator).length;
    expect(lookupsAfter).toBeGreaterThan(lookupsBefore);
  });
});
