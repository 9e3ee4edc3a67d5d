import { createAdmin, createRawProducer } from '@msa-sync/kafka';
import { BatchConsumer, type ConsumedRecord } from '@msa-sync/service-runtime';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';
import { createReadyTopic } from '../support/topics.js';

const bootstrap = inject('kafkaBootstrap');
const client = { bootstrapServers: [bootstrap], clientId: 'batch-consumer-commits' };
const logger = pino({ level: 'silent' });
const admin = createAdmin({ ...client, clientId: 'batch-consumer-commits-admin' });
const producer = createRawProducer({ ...client, clientId: 'batch-consumer-commits-producer' });

afterAll(async () => {
  await producer.close();
  await admin.close();
});

async function send(topic: string, values: string[]): Promise<void> {
  await producer.send({ messages: values.map((v) => ({ topic, value: Buffer.from(v) })) });
}

async function committed(groupId: string, topic: string): Promise<bigint | undefined> {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  const offset = group?.topics.find((t) => t.name === topic)?.partitions[0]?.committedOffset;
  return offset === undefined || offset < 0n ? undefined : offset;
}

function consumer(
  topic: string,
  groupId: string,
  seen: string[],
  commitIntervalMs: number,
  batches: number[] = [],
  options: { maxBatch?: number; lingerMs?: number } = {},
) {
  return new BatchConsumer({
    client,
    groupId,
    topics: [topic],
    logger,
    maxBatch: options.maxBatch ?? 3,
    ...(options.lingerMs === undefined ? {} : { lingerMs: options.lingerMs }),
    commitIntervalMs,
    handle: async (records: ConsumedRecord[]) => {
      batches.push(records.length);
      for (const r of records) seen.push(r.value?.toString() ?? '');
    },
  });
}

/**
 * The services' consumers commit handled offsets at most once per interval (a commit per small
 * batch was a sixth of the broker's requests under load), on the first batch, when idle after the
 * interval, and when they stop; a successor starts after the last handled record.
 */
describe('BatchConsumer offset commits', () => {
  it('commits at most once per interval, when idle after it, and on stop', async () => {
    const topic = uniqueName('batch-commits');
    const groupId = uniqueName('batch-commits-group');
    await createReadyTopic(bootstrap, topic);
    await send(topic, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);

    const seen: string[] = [];
    const batches: number[] = [];
    const first = consumer(topic, groupId, seen, 60_000, batches);
    first.start();
    await eventually('seven records handled', async () => seen.length === 7, 60_000);
    // Batches of at most three: the first commits at once, the later ones wait for the interval.
    await new Promise((r) => setTimeout(r, 500));
    expect(batches.length).toBeGreaterThan(2);
    const firstBatch = BigInt(batches[0] as number);
    expect(await committed(groupId, topic)).toBe(firstBatch);
    await send(topic, ['h', 'i']);
    await eventually('nine records handled', async () => seen.length === 9, 30_000);
    expect(await committed(groupId, topic)).toBe(firstBatch);
    await first.stop();
    expect(await committed(groupId, topic)).toBe(9n);

    // The successor reads only what arrives after the last handled record.
    const after: string[] = [];
    const second = consumer(topic, groupId, after, 300);
    second.start();
    await send(topic, ['j']);
    await eventually('the new record handled', async () => after.length === 1, 60_000);
    expect(after).toEqual(['j']);
    // Idle after its interval, it commits without another record arriving.
    await eventually(
      'the idle consumer committed',
      async () => (await committed(groupId, topic)) === 10n,
      10_000,
    );
    await second.stop();
  }, 120_000);

  it('commits after every batch with an interval of 0', async () => {
    const topic = uniqueName('batch-commits-0');
    const groupId = uniqueName('batch-commits-0-group');
    await createReadyTopic(bootstrap, topic);
    const seen: string[] = [];
    const each = consumer(topic, groupId, seen, 0);
    each.start();
    await send(topic, ['a', 'b']);
    await eventually('two records handled', async () => seen.length === 2, 60_000);
    await eventually('committed', async () => (await committed(groupId, topic)) === 2n, 5_000);
    await send(topic, ['c']);
    await eventually('committed again', async () => (await committed(groupId, topic)) === 3n, 30_000);
    await each.stop();
  }, 120_000);
});

/**
 * Each batch is a database transaction of the services' handlers: records arriving within the
 * linger go in one batch (one per order-service transaction was the rule before), a full batch
 * goes at once.
 */
describe('BatchConsumer batches', () => {
  it('handles the records that arrive within the linger in one batch', async () => {
    const topic = uniqueName('batch-linger');
    await createReadyTopic(bootstrap, topic);
    const seen: string[] = [];
    const batches: number[] = [];
    const lingering = consumer(topic, uniqueName('batch-linger-group'), seen, 0, batches, {
      maxBatch: 100,
      lingerMs: 600,
    });
    lingering.start();
    // In its group and fetching first, so that the next records arrive in separate fetches.
    await send(topic, ['warm-up']);
    await eventually('the first record handled', async () => seen.length === 1, 60_000);
    const sentAt = Date.now();
    await send(topic, ['a']);
    await new Promise((r) => setTimeout(r, 150));
    await send(topic, ['b', 'c']);
    await eventually('three more records handled', async () => seen.length === 4, 30_000, 20);
    const waited = Date.now() - sentAt;
    expect(batches).toEqual([1, 3]);
    expect(waited).toBeGreaterThanOrEqual(550);
    await lingering.stop();
  }, 120_000);

  it('handles a full batch at once, and a stop ends a linger', async () => {
    const topic = uniqueName('batch-full');
    await createReadyTopic(bootstrap, topic);
    const seen: string[] = [];
    const batches: number[] = [];
    const full = consumer(topic, uniqueName('batch-full-group'), seen, 0, batches, {
      maxBatch: 2,
      lingerMs: 60_000,
    });
    full.start();
    await send(topic, ['x', 'y', 'z']);
    await eventually('a full batch handled', async () => seen.length === 2, 30_000);
    expect(batches).toEqual([2]);
    // 'z' waits for its linger; a stop does not wait for it (and leaves it unhandled).
    const stopping = Date.now();
    await full.stop();
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(seen).toEqual(['x', 'y']);
  }, 120_000);
});
