import {
  createAdmin,
  createProducer,
  createTransactionalProducer,
  FetchIsolationLevels,
  type KafkaProducer,
  type OutgoingMessage,
} from '@msa-sync/kafka';
import { describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../support/run-process.js';
import { readTopic } from '../support/topic-reader.js';

/**
 * Regression test for order-service's two-record publish: a multi-partition produce is not
 * atomic, so one record could be appended and the other not (seen in the fault suite: catalog
 * took stock for an order that never reached `orders`). The broker itself makes the second half
 * fail here: the second topic accepts records of at most 1,000 bytes, so a larger one is refused
 * (MESSAGE_TOO_LARGE) while the first topic's record of the same request is appended.
 */
const bootstrap = inject('kafkaBootstrap');
const bootstrapServers = [bootstrap];
const values = (records: { value: Buffer | undefined }[]) => records.map((r) => r.value?.toString());

/** With `limitSecond`, the second topic refuses record batches over 1,000 bytes. */
async function createPair(name: string, limitSecond: boolean): Promise<{ first: string; second: string }> {
  const first = uniqueName(`${name}-a`);
  const second = uniqueName(`${name}-b`);
  const admin = createAdmin({ bootstrapServers, clientId: 'tx-publish-admin' });
  try {
    await admin.createTopics({ topics: [first], partitions: 3, replicas: 1 });
    await admin.createTopics({
      topics: [second],
      partitions: 3,
      replicas: 1,
      configs: limitSecond ? [{ name: 'max.message.bytes', value: '1000' }] : [],
    });
  } finally {
    await admin.close();
  }
  return { first, second };
}

function pair(
  first: string,
  second: string,
  key: string,
  value: string,
  secondBytes = 10,
): OutgoingMessage[] {
  return [
    { topic: first, key: Buffer.from(key), value: Buffer.from(value) },
    { topic: second, key: Buffer.from(key), value: Buffer.from(value.padEnd(secondBytes, '.')) },
  ];
}

describe('publishing two records in one send (real broker)', () => {
  it('without a transaction, a half-failed send leaves its first record visible (the old behaviour)', async () => {
    const { first, second } = await createPair('plain-partial', true);
    const producer = createProducer({ bootstrapServers, clientId: 'plain-publish' });
    try {
      await expect(producer.send({ messages: pair(first, second, 'k', 'half', 5000) })).rejects.toThrow();
    } finally {
      await producer.close();
    }
    expect(values(await readTopic(bootstrap, first))).toEqual(['half']);
    expect(await readTopic(bootstrap, second)).toEqual([]);
  });

  it('in a transaction, a half-failed send is visible to no read_committed reader', async () => {
    const { first, second } = await createPair('tx-partial', true);
    const producer = createTransactionalProducer({
      bootstrapServers,
      clientId: 'tx-publish',
      transactionalId: uniqueName('tx-publish'),
    });
    try {
      await expect(producer.send({ messages: pair(first, second, 'k', 'half', 5000) })).rejects.toThrow();
      // The next send goes through a new producer, which fences the failed one's transaction.
      await producer.send({ messages: pair(first, second, 'k', 'whole') });
    } finally {
      await producer.close();
    }
    expect(values(await readTopic(bootstrap, first))).toEqual(['whole']);
    expect(values(await readTopic(bootstrap, second))).toEqual(['whole'.padEnd(10, '.')]);
    // The refused half was appended, and only the abort hides it.
    const uncommitted = await readTopic(bootstrap, first, 30_000, FetchIsolationLevels.READ_UNCOMMITTED);
    expect(values(uncommitted)).toEqual(['half', 'whole']);
  });

  it('makes 500 concurrent two-record sends visible as 500 pairs, in send order per key', async () => {
    const { first, second } = await createPair('tx-concurrent', false);
    const producer: KafkaProducer = createTransactionalProducer({
      bootstrapServers,
      clientId: 'tx-publish-many',
      transactionalId: uniqueName('tx-publish-many'),
    });
    try {
      await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          producer.send({ messages: pair(first, second, `k${i % 7}`, String(i)) }),
        ),
      );
    } finally {
      await producer.close();
    }
    for (const topic of [first, second]) {
      const records = await readTopic(bootstrap, topic);
      expect(records).toHaveLength(500);
      const byKey = new Map<string, number[]>();
      for (const r of records) {
        const key = r.key?.toString() ?? '';
        byKey.set(key, [...(byKey.get(key) ?? []), Number.parseInt(r.value?.toString() ?? '', 10)]);
      }
      expect(byKey.size).toBe(7);
      for (const [key, seen] of byKey) {
        const k = Number(key.slice(1));
        expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i).filter((i) => i % 7 === k));
      }
    }
  });
});
