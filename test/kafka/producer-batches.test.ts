import { createRawProducer } from '@msa-sync/kafka';
import { describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../support/run-process.js';
import { readTopic } from '../support/topic-reader.js';
import { createReadyTopic } from '../support/topics.js';

/**
 * The producer paths patched for speed in patches/@platformatic+kafka+1.35.0.patch: a record
 * batch's CRC is computed over bytes that then replace the batch's pieces, and a transaction adds
 * a run of messages for one partition with one look. A wrong CRC is refused by the broker; a
 * partition left out of the transaction fails the send.
 */
const bootstrap = inject('kafkaBootstrap');

/** Runs of 10 messages, partitions interleaved: 0, 1, 0, 2, 1, 2 on `a`, then 0, 0 on `b`. */
const RUNS: [string, number][] = [
  ['a', 0],
  ['a', 1],
  ['a', 0],
  ['a', 2],
  ['a', 1],
  ['a', 2],
  ['b', 0],
  ['b', 0],
];

describe('producer batches (patched, real broker)', () => {
  it.each([
    ['plain idempotent sends', false],
    ['one transaction', true],
  ])('writes interleaved runs of partitions exactly, in order: %s', async (_name, transactional) => {
    const base = uniqueName(transactional ? 'batches-tx' : 'batches');
    const topics = { a: `${base}-a`, b: `${base}-b` };
    await createReadyTopic(bootstrap, topics.a, 3);
    await createReadyTopic(bootstrap, topics.b, 1);
    const messages = RUNS.flatMap(([t, partition], run) =>
      Array.from({ length: 10 }, (_, i) => ({
        topic: topics[t as 'a' | 'b'],
        partition,
        key: Buffer.from(`${run}-${i}`),
        // Sizes vary so that the batches are made of pieces of many lengths.
        value: Buffer.from(`${run}-${i}-${'x'.repeat((run * 37 + i * 11) % 300)}`),
      })),
    );
    const producer = createRawProducer({
      bootstrapServers: [bootstrap],
      clientId: base,
      ...(transactional ? { transactionalId: base } : {}),
    });
    try {
      if (transactional) {
        const tx = await producer.beginTransaction();
        await tx.send({ messages });
        await tx.commit();
      } else {
        await producer.send({ messages });
      }
    } finally {
      await producer.close();
    }
    for (const [name, topic] of Object.entries(topics)) {
      const read = await readTopic(bootstrap, topic);
      const expected = messages.filter((m) => m.topic === topic);
      expect(read, name).toHaveLength(expected.length);
      for (const partition of [0, 1, 2]) {
        expect(
          read.filter((r) => r.partition === partition).map((r) => [r.key?.toString(), r.value?.toString()]),
        ).toEqual(
          expected
            .filter((m) => m.partition === partition)
            .map((m) => [m.key.toString(), m.value.toString()]),
        );
      }
    }
  });
});
