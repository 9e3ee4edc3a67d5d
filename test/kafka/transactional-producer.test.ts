import { createAdmin, createRawProducer } from '@msa-sync/kafka';
import { describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../support/run-process.js';

/**
 * Regression test: @platformatic/kafka 1.35 asked for producer id 0 / epoch 0, so a second
 * producer with a known transactional id (a restarted task) was fenced at once. A restarted
 * producer must work, and must fence the older one.
 */
describe('transactional producers (real broker)', () => {
  it('lets a new instance take over a transactional id and fences the old one', async () => {
    const bootstrapServers = [inject('kafkaBootstrap')];
    const topic = uniqueName('tx-reuse');
    const admin = createAdmin({ bootstrapServers, clientId: 'tx-admin' });
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await admin.close();
    const transactionalId = uniqueName('tx-id');
    const produceOne = async (producer: ReturnType<typeof createRawProducer>, value: string) => {
      const tx = await producer.beginTransaction();
      await tx.send({ messages: [{ topic, value: Buffer.from(value) }] });
      await tx.commit();
    };

    const old = createRawProducer({ bootstrapServers, clientId: 'tx-old', transactionalId });
    await produceOne(old, 'a');
    const next = createRawProducer({ bootstrapServers, clientId: 'tx-new', transactionalId });
    await produceOne(next, 'b');
    await produceOne(next, 'c');
    // The zombie can no longer commit anything.
    await expect(produceOne(old, 'zombie')).rejects.toThrow();
    await Promise.all([old.close().catch(() => {}), next.close()]);

    const third = createRawProducer({ bootstrapServers, clientId: 'tx-third', transactionalId });
    await produceOne(third, 'd');
    await third.close();
  });
});
