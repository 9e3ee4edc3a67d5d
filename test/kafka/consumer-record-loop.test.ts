import { tracingChannel } from 'node:diagnostics_channel';
import { createRawProducer } from '@msa-sync/kafka';
import { Consumer, type Message } from '@platformatic/kafka';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../support/run-process.js';
import { readTopic } from '../support/topic-reader.js';
import { createReadyTopic } from '../support/topics.js';

/**
 * The consumer's per-record loop, patched for speed in patches/@platformatic+kafka+1.35.0.patch:
 * the requested offset is looked up once per batch, the deserializers' context is built field by
 * field, and a record's tracing context is made only while the tracing channel has subscribers.
 * What a consumer hands out, and what a tracer sees, must not change.
 */
const bootstrap = inject('kafkaBootstrap');
let topic: string;

beforeAll(async () => {
  topic = uniqueName('record-loop');
  await createReadyTopic(bootstrap, topic, 2);
  const producer = createRawProducer({ bootstrapServers: [bootstrap], clientId: 'record-loop' });
  try {
    // One send per partition: each partition's 20 records are one batch, so a fetch from offset
    // 10 gets records 0..9 too, which the consumer must drop.
    for (const partition of [0, 1]) {
      await producer.send({
        messages: Array.from({ length: 20 }, (_, i) => ({
          topic,
          partition,
          key: Buffer.from(`k${partition}-${i}`),
          value: Buffer.from(`v${partition}-${i}`),
          headers: new Map([['n', Buffer.from(String(i))]]),
        })),
      });
    }
  } finally {
    await producer.close();
  }
});

type Context = Record<string, unknown>;

describe("the consumer's record loop (patched)", () => {
  it('hands out every record with its deserializer context, and traces each while subscribed', async () => {
    const contexts: Context[] = [];
    const traced = { start: 0, asyncStart: [] as bigint[], end: 0 };
    const channel = tracingChannel('plt:kafka:consumer:receives');
    const handlers = {
      start: () => {
        traced.start++;
      },
      asyncStart: (context: unknown) => {
        traced.asyncStart.push((context as { result: { offset: bigint } }).result.offset);
      },
      end: () => {
        traced.end++;
      },
      asyncEnd: () => {},
      error: () => {},
    };
    channel.subscribe(handlers);
    const consumer = new Consumer({
      clientId: 'record-loop',
      groupId: uniqueName('record-loop'),
      bootstrapBrokers: [bootstrap],
      deserializers: {
        key: (data?: Buffer) => data?.toString(),
        value: (data: Buffer | undefined, _headers: unknown, context: unknown) => {
          contexts.push(context as Context);
          return data?.toString();
        },
        headerKey: (data?: Buffer) => data?.toString(),
        headerValue: (data?: Buffer) => data?.toString(),
      },
    });
    const messages: Message<string, string, string, string>[] = [];
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (message) => {
          messages.push(message);
          if (messages.length === 40) resolve();
        });
        stream.on('error', reject);
      });
      await stream.close();
    } finally {
      channel.unsubscribe(handlers);
      await consumer.close(true);
    }
    for (const partition of [0, 1]) {
      const mine = messages.filter((m) => m.partition === partition);
      expect(mine.map((m) => [m.topic, m.offset, m.key, m.value, m.headers.get('n')])).toEqual(
        Array.from({ length: 20 }, (_, i) => [
          topic,
          BigInt(i),
          `k${partition}-${i}`,
          `v${partition}-${i}`,
          String(i),
        ]),
      );
    }
    expect(contexts).toHaveLength(40);
    const first = contexts.find((c) => c.partition === 1 && c.offsetDelta === 3) as Context;
    expect(Object.keys(first)).toEqual([
      'length',
      'attributes',
      'timestampDelta',
      'offsetDelta',
      'key',
      'value',
      'headers',
      'topic',
      'partition',
    ]);
    expect(first).toMatchObject({
      topic,
      partition: 1,
      key: Buffer.from('k1-3'),
      value: Buffer.from('v1-3'),
    });
    expect(first.headers).toEqual([[Buffer.from('n'), Buffer.from('3')]]);
    expect(traced.start).toBe(40);
    expect(traced.end).toBe(40);
    expect(traced.asyncStart.toSorted()).toEqual(messages.map((m) => m.offset).toSorted());
  });

  it('drops the records of a fetched batch before the requested offset', async () => {
    const records = await readTopic(bootstrap, topic, 30_000, undefined, { startOffset: 10n });
    for (const partition of [0, 1]) {
      expect(records.filter((r) => r.partition === partition).map((r) => r.offset)).toEqual(
        Array.from({ length: 10 }, (_, i) => BigInt(10 + i)),
      );
    }
  });
});
