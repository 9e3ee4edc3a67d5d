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
) {
  return new BatchConsumer({
    client,
    groupId,
    topics: [topic],
    logger,
    maxBatch: 3,
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
