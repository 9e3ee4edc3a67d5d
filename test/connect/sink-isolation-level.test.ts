import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin, createRawProducer } from '@msa-sync/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';

/**
 * `consumer.override.isolation.level` reaches a sink task's consumer: the orders sink reads
 * committed only, because order-service publishes in transactions and an aborted order must not
 * become a row. A sink told read_uncommitted sees the aborted record, which shows the key is honoured
 * (our client's default is read_committed).
 */
describe('sink consumer isolation level (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  let worker: WorkerProcess;
  const dir = mkdtempSync(join(tmpdir(), 'msa-isolation-'));

  beforeAll(async () => {
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('isolation')));
  });
  afterAll(async () => {
    await worker?.kill();
  });

  const fileSink = (name: string, topic: string, file: string, isolation: string) =>
    rest(worker.url, 'PUT', `/connectors/${name}/config`, {
      'connector.class': 'FileStreamSink',
      file,
      topics: topic,
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'consumer.override.isolation.level': isolation,
    });

  it('hides an aborted transaction with read_committed and shows it with read_uncommitted', async () => {
    const topic = uniqueName('isolation');
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'isolation-admin' });
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await admin.close();
    const producer = createRawProducer({
      bootstrapServers: [bootstrap],
      clientId: 'isolation-producer',
      transactionalId: uniqueName('isolation-tx'),
    });
    try {
      const aborted = await producer.beginTransaction();
      await aborted.send({ messages: [{ topic, value: Buffer.from('aborted') }] });
      await aborted.abort();
      const committed = await producer.beginTransaction();
      await committed.send({ messages: [{ topic, value: Buffer.from('committed') }] });
      await committed.commit();
    } finally {
      await producer.close();
    }

    const committedFile = join(dir, 'committed.txt');
    const everythingFile = join(dir, 'everything.txt');
    expect(
      (await fileSink(uniqueName('sink-committed'), topic, committedFile, 'read_committed')).status,
    ).toBe(201);
    expect(
      (await fileSink(uniqueName('sink-uncommitted'), topic, everythingFile, 'read_uncommitted')).status,
    ).toBe(201);
    const lines = (file: string) =>
      existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    await eventually(
      'both sinks wrote the committed record',
      async () => lines(committedFile).includes('committed') && lines(everythingFile).includes('committed'),
    );
    expect(lines(committedFile)).toEqual(['committed']);
    expect(lines(everythingFile)).toEqual(['aborted', 'committed']);
  });

  it('refuses an isolation level Kafka does not have, naming the key, before any task runs', async () => {
    const name = uniqueName('sink-bad-isolation');
    const refused = await fileSink(name, uniqueName('isolation-bad'), join(dir, 'bad.txt'), 'dirty');
    expect(refused.status).toBe(400);
    expect((refused.body as { message: string }).message).toContain(
      'Invalid value dirty for configuration consumer.override.isolation.level',
    );
    expect((await rest(worker.url, 'GET', `/connectors/${name}`)).status).toBe(404);
  });
});
