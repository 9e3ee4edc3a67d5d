import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes, createAdmin } from '@msa-sync/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';
import { readTopic } from '../support/topic-reader.js';

/**
 * `topic.creation.*` (KIP-158): a source task creates the topic it first produces to, with the
 * partitions and topic configs of the first matching group, else of the default group.
 */
describe('source connector topic creation (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  let worker: WorkerProcess;
  let disabled: WorkerProcess;
  const dir = mkdtempSync(join(tmpdir(), 'msa-topic-creation-'));

  beforeAll(async () => {
    [worker, disabled] = await Promise.all([
      startWorker(clusterSettings(bootstrap, uniqueName('topic-creation'))),
      startWorker(
        clusterSettings(bootstrap, uniqueName('topic-creation-off'), { 'topic.creation.enable': 'false' }),
      ),
    ]);
  });
  afterAll(async () => {
    await Promise.all([worker?.kill(), disabled?.kill()]);
  });

  const creation = (id: string) => ({
    'topic.creation.groups': 'compacted',
    'topic.creation.default.replication.factor': '1',
    'topic.creation.default.partitions': '2',
    'topic.creation.default.retention.ms': '7200000',
    'topic.creation.compacted.include': `${id}-state-.*`,
    'topic.creation.compacted.partitions': '3',
    'topic.creation.compacted.cleanup.policy': 'compact',
  });

  const fileSource = (url: string, name: string, topic: string, extra: Record<string, string>) => {
    const file = join(dir, `${name}.txt`);
    writeFileSync(file, 'one\ntwo\n');
    return rest(url, 'PUT', `/connectors/${name}/config`, {
      'connector.class': 'FileStreamSource',
      file,
      topic,
      ...extra,
    });
  };

  it('creates each topic from its group: partitions and topic configs as configured', async () => {
    const id = uniqueName('tc');
    const stateTopic = `${id}-state-orders`;
    const plainTopic = `${id}-events`;
    // A compacted topic refuses records without a key.
    const keyed = {
      transforms: 'key',
      'transforms.key.type': 'org.apache.kafka.connect.transforms.HoistField$Key',
      'transforms.key.field': 'line',
    };
    expect((await fileSource(worker.url, `${id}-a`, stateTopic, { ...creation(id), ...keyed })).status).toBe(
      201,
    );
    expect((await fileSource(worker.url, `${id}-b`, plainTopic, creation(id))).status).toBe(201);
    await eventually('both topics have their two records', async () => {
      const [a, b] = await Promise.all([
        readTopic(bootstrap, stateTopic, 5000),
        readTopic(bootstrap, plainTopic, 5000),
      ]);
      return a.length === 2 && b.length === 2;
    });

    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'topic-creation-test' });
    try {
      const metadata = await admin.metadata({ topics: [stateTopic, plainTopic] });
      expect(metadata.topics.get(stateTopic)?.partitionsCount).toBe(3);
      expect(metadata.topics.get(plainTopic)?.partitionsCount).toBe(2);
      const described = await admin.describeConfigs({
        resources: [stateTopic, plainTopic].map((resourceName) => ({
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName,
        })),
      });
      const config = (topic: string, name: string) =>
        described.find((d) => d.resourceName === topic)?.configs.find((c) => c.name === name)?.value;
      expect(config(stateTopic, 'cleanup.policy')).toBe('compact');
      expect(config(plainTopic, 'cleanup.policy')).toBe('delete');
      expect(config(plainTopic, 'retention.ms')).toBe('7200000');
      // The group's settings replace the default group's, other configs included.
      expect(config(stateTopic, 'retention.ms')).not.toBe('7200000');
    } finally {
      await admin.close();
    }
  });

  it('leaves an existing topic as it is', async () => {
    const id = uniqueName('tc-existing');
    const topic = `${id}-state-x`;
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'topic-creation-test' });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
      expect((await fileSource(worker.url, id, topic, creation(id))).status).toBe(201);
      await eventually('the two records', async () => (await readTopic(bootstrap, topic, 5000)).length === 2);
      expect((await admin.metadata({ topics: [topic] })).topics.get(topic)?.partitionsCount).toBe(1);
    } finally {
      await admin.close();
    }
  });

  it('shows the groups in validation and refuses what Connect would ignore', async () => {
    const id = uniqueName('tc-validate');
    const validated = await rest(worker.url, 'PUT', '/connector-plugins/FileStreamSource/config/validate', {
      'connector.class': 'FileStreamSource',
      name: id,
      file: join(dir, 'validate.txt'),
      topic: `${id}-t`,
      ...creation(id),
      'topic.creation.default.partitions': '0',
      'topic.creation.compacted.cleanup.polcy': 'compact',
    });
    expect(validated.status).toBe(200);
    const body = validated.body as {
      groups: string[];
      configs: {
        definition: { name: string; group: string | null };
        value: { name: string; errors: string[] };
      }[];
    };
    expect(body.groups).toEqual(
      expect.arrayContaining(['Topic Creation', 'default', 'Topic Creation: compacted']),
    );
    const errors = Object.fromEntries(
      body.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors]),
    );
    expect(errors).toEqual({
      'topic.creation.default.partitions': [
        'Invalid value 0 for configuration topic.creation.default.partitions: Value must be -1 or at least 1',
      ],
      'topic.creation.compacted.cleanup.polcy': [
        "'cleanup.polcy' is not a Kafka topic config, so topics of group 'compacted' could not be created with it.",
      ],
    });

    const sink = await rest(worker.url, 'PUT', `/connectors/${id}-sink/config`, {
      'connector.class': 'FileStreamSink',
      file: join(dir, 'sink.txt'),
      topics: `${id}-t`,
      'topic.creation.default.partitions': '1',
    });
    expect(sink.status).toBe(400);
    expect((sink.body as { message: string }).message).toContain(
      "'topic.creation.default.partitions' applies to source connectors only",
    );
  });

  it('a worker with topic.creation.enable=false refuses topic.creation.* instead of ignoring it', async () => {
    const id = uniqueName('tc-off');
    const refused = await fileSource(disabled.url, id, `${id}-state-t`, creation(id));
    expect(refused.status).toBe(400);
    expect((refused.body as { message: string }).message).toContain(
      "topic.creation.enable=false on this worker: Connect would ignore 'topic.creation.default.partitions'",
    );
    expect((await rest(disabled.url, 'GET', `/connectors/${id}`)).status).toBe(404);
  });
});
