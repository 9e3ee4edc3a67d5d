import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin, createProducer } from '@msa-sync/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
  type WorkerStartError,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';
import { readTopic } from '../support/topic-reader.js';

/**
 * `producer.override.*` / `consumer.override.*` reach the task's clients, within the worker's
 * connector.client.config.override.policy.
 */
describe('connector client config overrides (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  let worker: WorkerProcess;
  let strict: WorkerProcess;
  const dir = mkdtempSync(join(tmpdir(), 'msa-overrides-'));

  beforeAll(async () => {
    [worker, strict] = await Promise.all([
      startWorker(clusterSettings(bootstrap, uniqueName('overrides'))),
      startWorker(
        clusterSettings(bootstrap, uniqueName('overrides-none'), {
          'connector.client.config.override.policy': 'None',
        }),
      ),
    ]);
  });
  afterAll(async () => {
    await Promise.all([worker?.kill(), strict?.kill()]);
  });

  const lines = (file: string) =>
    existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

  it('producer.override.compression.type=gzip: the records land compressed (the log is much smaller)', async () => {
    const id = uniqueName('gzip');
    const input = join(dir, `${id}.txt`);
    // Very compressible lines: 40 × 4 KB.
    writeFileSync(input, `${Array.from({ length: 40 }, (_, i) => `${i}:${'x'.repeat(4096)}`).join('\n')}\n`);
    const source = (name: string, topic: string, extra: Record<string, string>) =>
      rest(worker.url, 'PUT', `/connectors/${name}/config`, {
        'connector.class': 'FileStreamSource',
        file: input,
        topic,
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'topic.creation.default.replication.factor': '1',
        'topic.creation.default.partitions': '1',
        ...extra,
      });
    const plainTopic = `${id}-plain`;
    const gzipTopic = `${id}-gzip`;
    expect((await source(`${id}-plain`, plainTopic, {})).status).toBe(201);
    expect(
      (await source(`${id}-gzip`, gzipTopic, { 'producer.override.compression.type': 'gzip' })).status,
    ).toBe(201);
    await eventually(
      'both topics have the 40 lines',
      async () =>
        (await readTopic(bootstrap, plainTopic, 5000)).length === 40 &&
        (await readTopic(bootstrap, gzipTopic, 5000)).length === 40,
    );
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'overrides-test' });
    try {
      const described = await admin.describeLogDirs({
        topics: [plainTopic, gzipTopic].map((name) => ({ name, partitions: [0] })),
      });
      const size = (topic: string) =>
        described
          .flatMap((broker) => broker.results)
          .flatMap((result) => result.topics)
          .filter((t) => t.name === topic)
          .reduce((sum, t) => sum + Number(t.partitions[0]?.partitionSize ?? 0n), 0);
      const plain = size(plainTopic);
      const gzip = size(gzipTopic);
      expect(plain).toBeGreaterThan(40 * 4096);
      expect(gzip).toBeLessThan(plain / 10);
    } finally {
      await admin.close();
    }
  });

  it('consumer.override.auto.offset.reset=latest: a new sink skips what the topic already had', async () => {
    const topic = uniqueName('latest');
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'overrides-test' });
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await admin.close();
    const producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'overrides-test' });
    try {
      await producer.send({ messages: [{ topic, value: Buffer.from('old') }] });
      const output = join(dir, `${topic}.txt`);
      const created = await rest(worker.url, 'PUT', `/connectors/${topic}/config`, {
        'connector.class': 'FileStreamSink',
        file: output,
        topics: topic,
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'consumer.override.auto.offset.reset': 'latest',
        'consumer.override.client.id': `${topic}-consumer`,
      });
      expect(created.status).toBe(201);
      // The sink starts at the end once it joined; records sent from then on reach the file.
      let n = 0;
      await eventually(
        'a record sent after the sink joined',
        async () => {
          await producer.send({ messages: [{ topic, value: Buffer.from(`new-${n++}`) }] });
          return lines(output).length > 0;
        },
        60_000,
        1000,
      );
      expect(lines(output)).not.toContain('old');
      expect(lines(output)[0]).toMatch(/^new-\d+$/);
      // consumer.override.client.id names the sink's consumer in its group.
      const groupAdmin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'overrides-test' });
      try {
        const group = (await groupAdmin.describeGroups({ groups: [`connect-${topic}`] })).get(
          `connect-${topic}`,
        );
        expect([...(group?.members.values() ?? [])].map((m) => m.clientId)).toEqual([`${topic}-consumer`]);
      } finally {
        await groupAdmin.close();
      }
    } finally {
      await producer.close();
    }
  });

  it('refuses what the policy forbids (None) with Apache’s message, on the key', async () => {
    const name = uniqueName('none');
    const config = {
      'connector.class': 'FileStreamSink',
      file: join(dir, `${name}.txt`),
      topics: name,
      'consumer.override.max.poll.records': '10',
    };
    const refused = await rest(strict.url, 'PUT', `/connectors/${name}/config`, config);
    expect(refused.status).toBe(400);
    expect((refused.body as { error_code: number; message: string }).error_code).toBe(400);
    expect((refused.body as { message: string }).message).toContain(
      "The 'None' policy does not allow 'max.poll.records' to be overridden in the connector configuration.",
    );
    const validated = await rest(strict.url, 'PUT', '/connector-plugins/FileStreamSink/config/validate', {
      ...config,
      name,
    });
    const configs = (validated.body as { configs: { value: { name: string; errors: string[] } }[] }).configs;
    expect(configs.find((c) => c.value.name === 'consumer.override.max.poll.records')?.value.errors).toEqual([
      "The 'None' policy does not allow 'max.poll.records' to be overridden in the connector configuration.",
    ]);
    // The same override is fine under the default policy (All).
    const validatedAll = await rest(worker.url, 'PUT', '/connector-plugins/FileStreamSink/config/validate', {
      ...config,
      name,
    });
    expect((validatedAll.body as { error_count: number }).error_count).toBe(0);
  });

  it('a worker with an unknown policy stops with a clear message', async () => {
    const started = startWorker(
      clusterSettings(bootstrap, uniqueName('overrides-bad'), {
        'connector.client.config.override.policy': 'Everything',
      }),
    );
    const error = await started.then(
      () => undefined,
      (e: WorkerStartError) => e,
    );
    expect(error?.message).toMatch(/^worker exited with \d+ before it was ready; last lines: .*; log: /);
    const log = readFileSync(error?.logFile ?? '', 'utf8');
    expect(log).toContain(
      'Invalid value Everything for configuration connector.client.config.override.policy: must be one of None, org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy',
    );
  });
});
