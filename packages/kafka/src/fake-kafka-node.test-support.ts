import { createServer, type Server, type Socket } from 'node:net';
import { Writer } from '@platformatic/kafka';

/** Kafka API keys the fake nodes of the client-patch tests answer. */
export const API = {
  OffsetCommit: 8,
  Metadata: 3,
  FindCoordinator: 10,
  ApiVersions: 18,
  InitProducerId: 22,
  EndTxn: 26,
} as const;

/**
 * Answers one request: a response body (framed by the node), or undefined to leave it unanswered.
 * `body` is an empty writer to fill.
 */
export type Answer = (apiKey: number, body: Writer) => Writer | undefined;

/**
 * A TCP server that speaks just enough of the Kafka protocol for a test of the client's own
 * behaviour: it splits requests into frames, records each API key in `requests`, and frames what
 * `answer` returns. ApiVersions answers use the old response header, as Kafka's do.
 */
export class FakeKafkaNode {
  readonly requests: number[] = [];
  #server: Server;
  #sockets = new Set<Socket>();
  port = 0;

  constructor(answer: Answer) {
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
          const apiKey = request.readInt16BE(0);
          this.requests.push(apiKey);
          const body = answer(apiKey, Writer.create());
          if (body) socket.write(frame(request.readInt32BE(4), body, apiKey !== API.ApiVersions));
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
}

/** An ApiVersions (v3) body offering exactly these [key, min, max] ranges. */
export function apiVersionsBody(body: Writer, versions: [number, number, number][]): Writer {
  return body
    .appendInt16(0)
    .appendArray(versions, (w, [key, min, max]) => w.appendInt16(key).appendInt16(min).appendInt16(max))
    .appendInt32(0)
    .appendTaggedFields();
}

/** A Metadata (v12) body listing these nodes and no topics. */
export function metadataBody(body: Writer, nodes: { nodeId: number; port: number }[]): Writer {
  return body
    .appendInt32(0)
    .appendArray(nodes, (w, node) =>
      w.appendInt32(node.nodeId).appendString('127.0.0.1').appendInt32(node.port).appendString(null),
    )
    .appendString('fake-cluster')
    .appendInt32(1)
    .appendArray([], () => {})
    .appendTaggedFields();
}

/** A FindCoordinator (v6) body naming one node for `key`. */
export function findCoordinatorBody(
  body: Writer,
  key: string,
  node: { nodeId: number; port: number },
): Writer {
  return body
    .appendInt32(0)
    .appendArray([key], (w, k) =>
      w
        .appendString(k)
        .appendInt32(node.nodeId)
        .appendString('127.0.0.1')
        .appendInt32(node.port)
        .appendInt16(0)
        .appendString(null),
    )
    .appendTaggedFields();
}

function frame(correlationId: number, body: Writer, taggedHeader: boolean): Buffer {
  const header = Writer.create().appendInt32(correlationId);
  if (taggedHeader) header.appendTaggedFields();
  const payload = Buffer.concat([header.buffer, body.buffer]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(payload.length);
  return Buffer.concat([length, payload]);
}

/** Fake nodes of one cluster; `coordinator` is the index of the node FindCoordinator names. */
export interface FakeCluster {
  nodes: FakeKafkaNode[];
  coordinator: number;
}

/** How node `index` of `cluster` appears in Metadata and FindCoordinator answers (ids from 1). */
export function nodeView(cluster: FakeCluster, index: number): { nodeId: number; port: number } {
  return { nodeId: index + 1, port: cluster.nodes[index]?.port ?? -1 };
}

/**
 * Starts `size` fake nodes, node `index` answering with `answerOf(cluster, index)`, the first one
 * the coordinator; `stop` stops them all.
 */
export async function startFakeCluster(
  answerOf: (cluster: FakeCluster, index: number) => Answer,
  size = 2,
): Promise<{ cluster: FakeCluster; stop: () => Promise<void> }> {
  const cluster: FakeCluster = { nodes: [], coordinator: 0 };
  for (let i = 0; i < size; i++) cluster.nodes.push(new FakeKafkaNode(answerOf(cluster, i)));
  for (const node of cluster.nodes) await node.start();
  return { cluster, stop: async () => void (await Promise.all(cluster.nodes.map((n) => n.stop()))) };
}
