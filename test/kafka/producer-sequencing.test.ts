import { createAdmin, createConsumer, createProducer } from '@msa-sync/kafka';
import { describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../support/run-process.js';

/**
 * Regression test for silent loss found in @platformatic/kafka 1.35: concurrent idempotent sends
 * to one partition shared a sequence number and the broker dropped all but one as duplicates,
 * while every send() resolved. Our producer must keep every acknowledged record, in call order.
 */
describe('createProducer under concurrent sends (real broker)', () => {
  it('keeps all 500 concurrently sent records, in the order send() was called', async () => {
    const bootstrapServers = [inject('kafkaBootstrap')];
    const topic = uniqueName('concurrent-sends');
    const admin = createAdmin({ bootstrapServers, clientId: 'seq-admin' });
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await admin.close();

    const producer = createProducer({ bootstrapServers, clientId: 'seq-producer' });
    const sends = Array.from({ length: 500 }, (_, i) =>
      producer.send({
        messages: [{ topic, partition: 0, key: Buffer.from(`k${i % 7}`), value: Buffer.from(String(i)) }],
      }),
    );
    await Promise.all(sends);
    await producer.close();

    const consumer = createConsumer({
      bootstrapServers,
      clientId: 'seq-consumer',
      groupId: uniqueName('seq'),
    });
    try {
      expect((await consumer.listOffsets({ topics: [topic] })).get(topic)).toEqual([500n]);
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      const values: number[] = [];
      for await (const message of stream) {
        values.push(Number(message.value?.toString()));
        if (values.length === 500) break;
      }
      await stream.close();
      expect(values).toEqual(Array.from({ length: 500 }, (_, i) => i));
    } finally {
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    }
  });
});
