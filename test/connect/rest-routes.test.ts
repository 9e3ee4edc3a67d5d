import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes, createAdmin, createProducer } from '@msa-sync/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type ClusterSettings,
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';
import { readTopic } from '../support/topic-reader.js';

type TaskStatus = { id: number; state: string; worker_id: string; trace?: string };
type Status = { name: string; connector: { state: string; worker_id: string }; tasks: TaskStatus[] };
type Info = { name: string; config: Record<string, string>; tasks: { connector: string; task: number }[] };
type LogEntry = { level: number; msg?: string; connector?: string; records?: number };

const STRING_CONVERTER = 'org.apache.kafka.connect.storage.StringConverter';

/** The REST routes of DESIGN §4 that the other integration tests do not drive, against one real worker. */
describe('Connect REST routes (real broker, one worker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const dir = mkdtempSync(join(tmpdir(), 'msa-rest-'));
  const topics = {
    config: uniqueName('rest-config'),
    restart: uniqueName('rest-restart'),
    taskRestart: uniqueName('rest-task-restart'),
    logs: uniqueName('rest-logs'),
    source: uniqueName('rest-source'),
    stored: uniqueName('rest-stored'),
  };
  const producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'rest-routes-test' });
  let cluster: ClusterSettings;
  let worker: WorkerProcess;

  const status = async (name: string) =>
    (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
  const lines = (file: string) =>
    existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(0, -1) : [];
  const produce = (topic: string, values: string[]) =>
    producer.send({ messages: values.map((v) => ({ topic, partition: 0, value: Buffer.from(v) })) });
  const logEntries = (): LogEntry[] =>
    readFileSync(worker.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogEntry);
  /** A FileStreamSink reading plain strings (StringConverter), so tests produce text. */
  const stringSink = (file: string, topic: string, extra: Record<string, string> = {}) => ({
    'connector.class': 'FileStreamSink',
    file,
    topics: topic,
    'value.converter': STRING_CONVERTER,
    ...extra,
  });

  beforeAll(async () => {
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'rest-routes-admin' });
    try {
      await admin.createTopics({
        topics: [topics.config, topics.restart, topics.taskRestart, topics.logs],
        partitions: 1,
        replicas: 1,
      });
    } finally {
      await admin.close();
    }
    cluster = clusterSettings(bootstrap, uniqueName('rest'));
    worker = await startWorker(cluster);
  });
  afterAll(async () => {
    await producer.close();
    await worker?.kill();
  });

  it('GET / answers the version, the commit and the id of the Kafka cluster it works against', async () => {
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'rest-cluster-id' });
    let clusterId: string;
    try {
      clusterId = (await admin.metadata({ topics: [] })).id;
    } finally {
      await admin.close();
    }
    expect(clusterId).toMatch(/^[\w-]{22}$/);
    const root = await rest(worker.url, 'GET', '/');
    expect(root).toMatchObject({ status: 200, body: { version: '4.4.0', kafka_cluster_id: clusterId } });
    expect(typeof (root.body as { commit: unknown }).commit).toBe('string');
  });

  it('PUT config creates (201) then updates (200) and the running task picks the new config up; PATCH merges', async () => {
    const name = uniqueName('cfg');
    const first = join(dir, 'cfg-first.txt');
    const second = join(dir, 'cfg-second.txt');
    const created = await rest(
      worker.url,
      'PUT',
      `/connectors/${name}/config`,
      stringSink(first, topics.config, { 'errors.log.enable': 'true' }),
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(new RegExp(`/connectors/${name}$`));
    expect(created.body).toMatchObject({
      name,
      type: 'sink',
      config: { name, file: first, topics: topics.config, 'errors.log.enable': 'true' },
    });

    await produce(topics.config, ['first-0', 'first-1', 'first-2']);
    await eventually('first records in the first file', async () => lines(first).length === 3);

    const info = await rest(worker.url, 'GET', `/connectors/${name}`);
    expect(info).toMatchObject({
      status: 200,
      body: { name, type: 'sink', tasks: [{ connector: name, task: 0 }], config: { file: first } },
    });
    const tasks = await rest(worker.url, 'GET', `/connectors/${name}/tasks`);
    expect(tasks.status).toBe(200);
    expect(tasks.body).toEqual([
      {
        id: { connector: name, task: 0 },
        // Connect names the task's class there, not the connector's.
        config: expect.objectContaining({
          file: first,
          topics: topics.config,
          'task.class': 'org.apache.kafka.connect.file.FileStreamSinkTask',
        }),
      },
    ]);

    // Same task count, new task config: the task must restart with it (no rebalance happens).
    const secondConfig = { ...stringSink(second, topics.config, { 'errors.log.enable': 'true' }), name };
    const updated = await rest(worker.url, 'PUT', `/connectors/${name}/config`, secondConfig);
    expect(updated.status).toBe(200);
    expect(updated.headers.get('location')).toBeNull();
    expect((updated.body as Info).config).toEqual(secondConfig);
    expect((await rest(worker.url, 'GET', `/connectors/${name}/config`)).body).toEqual(secondConfig);
    await eventually('task configs rewritten', async () => {
      const t = (await rest(worker.url, 'GET', `/connectors/${name}/tasks`)).body as {
        config: Record<string, string>;
      }[];
      return t[0]?.config.file === second;
    });
    await produce(topics.config, ['second-0', 'second-1', 'second-2']);
    await eventually(
      'records produced after the update in the new file',
      async () => ['second-0', 'second-1', 'second-2'].every((l) => lines(second).includes(l)),
      45_000,
    );
    expect(lines(first).filter((l) => l.startsWith('second-'))).toEqual([]);
    expect((await status(name)).tasks.map((t) => t.state)).toEqual(['RUNNING']);

    // A sink's active topics are the topics it consumed from.
    expect((await rest(worker.url, 'GET', `/connectors/${name}/topics`)).body).toEqual({
      [name]: { topics: [topics.config] },
    });

    // PATCH: given keys replace or join the config, a null removes one, the rest stays.
    const patched = await rest(worker.url, 'PATCH', `/connectors/${name}/config`, {
      'errors.log.enable': null,
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    });
    expect(patched.status).toBe(200);
    const expected = {
      'connector.class': 'FileStreamSink',
      file: second,
      topics: topics.config,
      name,
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    };
    expect((patched.body as Info).config).toEqual(expected);
    expect((await rest(worker.url, 'GET', `/connectors/${name}/config`)).body).toEqual(expected);
    // A key nothing reads (a typo, a setting Connect would drop) is refused; the config stays as it was.
    const typo = await rest(worker.url, 'PATCH', `/connectors/${name}/config`, {
      'value.converter.schemas.enabled': 'true',
    });
    expect(typo.status).toBe(400);
    expect((typo.body as { message: string }).message).toContain(
      "org.apache.kafka.connect.json.JsonConverter has no configuration 'schemas.enabled'",
    );
    expect((await rest(worker.url, 'GET', `/connectors/${name}/config`)).body).toEqual(expected);
    // The patched config runs: JsonConverter with schemas.enable=false reads bare JSON (no quotes left).
    await produce(topics.config, ['"patched-json"']);
    await eventually('bare JSON read through the patched converter', async () =>
      lines(second).includes('patched-json'),
    );

    expect((await rest(worker.url, 'PATCH', '/connectors/nope/config', { a: 'b' })).status).toBe(404);
    expect((await rest(worker.url, 'GET', '/connectors/nope')).status).toBe(404);
    expect((await rest(worker.url, 'GET', '/connectors/nope/config')).status).toBe(404);

    const task = await rest(worker.url, 'GET', `/connectors/${name}/tasks/0/status`);
    expect(task).toMatchObject({
      status: 200,
      body: { id: 0, state: 'RUNNING', worker_id: `127.0.0.1:${worker.port}` },
    });
    expect(await rest(worker.url, 'GET', `/connectors/${name}/tasks/7/status`)).toMatchObject({
      status: 404,
      body: { error_code: 404 },
    });

    const metrics = await fetch(`${worker.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toContain('# TYPE connect_task_records_in_total counter');
    const recordsIn = new RegExp(
      `connect_task_records_in_total\\{connector="${name}",task="0"\\} (\\d+)`,
    ).exec(text);
    expect(Number(recordsIn?.[1])).toBeGreaterThanOrEqual(7);
    expect(text).toContain(`connect_task_state{connector="${name}",task="0",state="RUNNING"} 1`);
  });

  it('restarts connectors and tasks: plain 204, includeTasks 202 with RESTARTING, task restart 204', async () => {
    const name = uniqueName('rst');
    const parent = join(dir, 'rst-later');
    const file = join(parent, 'out.txt');
    await produce(topics.restart, ['r-0', 'r-1']);
    // The directory is missing, so the task fails at start; once it exists a restart makes it run.
    await rest(worker.url, 'POST', '/connectors', { name, config: stringSink(file, topics.restart) });
    const failed = await eventually('task FAILED on the missing directory', async () => {
      const s = await status(name);
      return s.tasks[0]?.state === 'FAILED' ? s : undefined;
    });
    expect(failed.connector.state).toBe('RUNNING');
    expect(failed.tasks[0]?.trace).toContain('ENOENT');

    const restarts = () =>
      logEntries().filter((e) => e.msg === 'restarting connector' && e.connector === name).length;
    const plain = await rest(worker.url, 'POST', `/connectors/${name}/restart`);
    expect(plain.status).toBe(204);
    expect(plain.body).toBeUndefined();
    await eventually('the connector instance restarted', async () => restarts() === 1);
    // Without includeTasks only the connector instance restarts: the task stays FAILED.
    expect((await status(name)).tasks[0]?.state).toBe('FAILED');

    mkdirSync(parent);
    const onlyFailed = await rest(
      worker.url,
      'POST',
      `/connectors/${name}/restart?includeTasks=true&onlyFailed=true`,
    );
    expect(onlyFailed.status).toBe(202);
    expect(onlyFailed.body).toMatchObject({
      name,
      connector: { state: 'RUNNING' },
      tasks: [{ id: 0, state: 'RESTARTING' }],
    });
    await eventually(
      'failed task RUNNING after the restart',
      async () => (await status(name)).tasks[0]?.state === 'RUNNING',
    );
    await eventually('records in the file', async () => lines(file).join(',') === 'r-0,r-1');
    expect(restarts()).toBe(1);

    const all = await rest(worker.url, 'POST', `/connectors/${name}/restart?includeTasks=true`);
    expect(all.status).toBe(202);
    expect(all.body).toMatchObject({
      name,
      type: 'sink',
      connector: { state: 'RESTARTING' },
      tasks: [{ id: 0, state: 'RESTARTING' }],
    });
    await eventually('connector restarted again', async () => restarts() === 2);
    await eventually('RUNNING again', async () => {
      const s = await status(name);
      return s.connector.state === 'RUNNING' && s.tasks[0]?.state === 'RUNNING';
    });
    await produce(topics.restart, ['r-2']);
    await eventually('the restarted task keeps sinking', async () => lines(file).includes('r-2'));

    // POST /connectors/{name}/tasks/{id}/restart on a task that failed.
    const trs = uniqueName('trs');
    const taskParent = join(dir, 'trs-later');
    const taskFile = join(taskParent, 'out.txt');
    await produce(topics.taskRestart, ['t-0']);
    await rest(worker.url, 'POST', '/connectors', {
      name: trs,
      config: stringSink(taskFile, topics.taskRestart),
    });
    await eventually('trs task FAILED', async () => (await status(trs)).tasks[0]?.state === 'FAILED');
    mkdirSync(taskParent);
    const taskRestart = await rest(worker.url, 'POST', `/connectors/${trs}/tasks/0/restart`);
    expect(taskRestart.status).toBe(204);
    await eventually('trs task RUNNING', async () => (await status(trs)).tasks[0]?.state === 'RUNNING');
    await eventually('trs sinks', async () => lines(taskFile).join(',') === 't-0');

    expect(await rest(worker.url, 'POST', `/connectors/${trs}/tasks/3/restart`)).toMatchObject({
      status: 404,
      body: { error_code: 404 },
    });
    expect(await rest(worker.url, 'POST', '/connectors/nope/restart')).toMatchObject({
      status: 404,
      body: { error_code: 404, message: 'Unknown connector: nope' },
    });
  });

  it('PUT topics/reset empties the active topics of a connector', async () => {
    const name = 'topics-src';
    const input = join(dir, 'topics-src.txt');
    writeFileSync(input, 'one\ntwo\n');
    await rest(worker.url, 'POST', '/connectors', {
      name,
      config: { 'connector.class': 'FileStreamSource', file: input, topic: topics.source },
    });
    await eventually('the topic recorded as active', async () => {
      const t = (await rest(worker.url, 'GET', `/connectors/${name}/topics`)).body as Record<
        string,
        { topics: string[] }
      >;
      return t[name]?.topics.join() === topics.source;
    });
    const reset = await rest(worker.url, 'PUT', `/connectors/${name}/topics/reset`);
    expect(reset.status).toBe(202);
    expect(reset.body).toBeUndefined();
    expect((await rest(worker.url, 'GET', `/connectors/${name}/topics`)).body).toEqual({
      [name]: { topics: [] },
    });
    expect((await rest(worker.url, 'PUT', '/connectors/nope/topics/reset')).status).toBe(404);
  });

  it('GET /connector-plugins?connectorsOnly=false lists the converters, transformations and predicates too', async () => {
    const converters = [
      'org.apache.kafka.connect.converters.BooleanConverter',
      'org.apache.kafka.connect.converters.ByteArrayConverter',
      'org.apache.kafka.connect.converters.DoubleConverter',
      'org.apache.kafka.connect.converters.FloatConverter',
      'org.apache.kafka.connect.converters.IntegerConverter',
      'org.apache.kafka.connect.converters.LongConverter',
      'org.apache.kafka.connect.converters.ShortConverter',
      'org.apache.kafka.connect.json.JsonConverter',
      'org.apache.kafka.connect.storage.StringConverter',
    ];
    const all = (await rest(worker.url, 'GET', '/connector-plugins?connectorsOnly=false')).body as {
      class: string;
      type: string;
    }[];
    for (const converter of converters) {
      expect(all).toContainEqual(expect.objectContaining({ class: converter, type: 'converter' }));
    }
    // The one header converter msa-sync runs (Apache lists its converters as header converters too).
    expect(all.filter((p) => p.type === 'header_converter').map((p) => p.class)).toEqual([
      'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    ]);
    const json = await rest(
      worker.url,
      'GET',
      '/connector-plugins/org.apache.kafka.connect.json.JsonConverter/config',
    );
    expect(json.status).toBe(200);
    expect((json.body as { name: string }[]).map((k) => k.name)).toEqual([
      'converter.type',
      'schemas.enable',
      'schemas.cache.size',
      'schema.content',
      'decimal.format',
      'replace.null.with.default',
      'float.format',
    ]);
    expect(all).toContainEqual(
      expect.objectContaining({
        class: 'org.apache.kafka.connect.file.FileStreamSourceConnector',
        type: 'source',
      }),
    );
    // Apache 4.x bundles 26 transformations (with their $Key/$Value variants) and 3 predicates.
    expect(all.filter((p) => p.type === 'transformation')).toHaveLength(26);
    expect(all.filter((p) => p.type === 'predicate').map((p) => p.class)).toEqual([
      'org.apache.kafka.connect.transforms.predicates.HasHeaderKey',
      'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
      'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
    ]);
    const validated = await rest(
      worker.url,
      'PUT',
      '/connector-plugins/FileStreamSinkConnector/config/validate',
      {
        'connector.class': 'FileStreamSinkConnector',
        name: 'validate-only',
        topics: 'validate-only',
        // KIP-891: a range holding the one installed version is accepted, another version is not.
        'connector.plugin.version': '[4.0,5.0)',
        'value.converter.plugin.version': '3.9.0',
      },
    );
    const configs = (
      validated.body as {
        configs: {
          definition: { name: string; default_value: string | null };
          value: { value: string | null; recommended_values: string[]; errors: string[] };
        }[];
      }
    ).configs;
    const converterKey = (name: string) => configs.find((c) => c.definition.name === name);
    // The worker's converters are the defaults, as in Apache's validate.
    expect(converterKey('value.converter')?.definition.default_value).toBe(
      'org.apache.kafka.connect.json.JsonConverter',
    );
    expect(converterKey('value.converter')?.value.value).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(converterKey('value.converter')?.value.recommended_values).toEqual(converters);
    expect(converterKey('connector.plugin.version')?.value).toMatchObject({ value: '[4.0,5.0)', errors: [] });
    expect(converterKey('value.converter.plugin.version')?.value.errors).toEqual([
      'Plugin org.apache.kafka.connect.json.JsonConverter not found that matches the version range [3.9.0], available versions: [4.4.0]',
    ]);
    expect(converterKey('header.converter')?.value.recommended_values).toEqual([
      'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    ]);
    const connectorsOnly = (await rest(worker.url, 'GET', '/connector-plugins')).body as { type: string }[];
    expect(new Set(connectorsOnly.map((p) => p.type))).toEqual(new Set(['sink', 'source']));
  });

  it('GET|PUT /admin/loggers reads and changes levels at run time', async () => {
    const namespace = 'org.msa.connect.runtime';
    const before = await rest(worker.url, 'GET', '/admin/loggers');
    expect(before.status).toBe(200);
    const levels = before.body as Record<string, { level: string; last_modified: number | null }>;
    expect(levels.root).toEqual({ level: expect.any(String), last_modified: null });
    expect(levels[namespace]).toMatchObject({ level: 'INFO' });

    const file = join(dir, 'logs.txt');
    const logs = uniqueName('logs');
    await rest(worker.url, 'POST', '/connectors', { name: logs, config: stringSink(file, topics.logs) });
    await eventually('logs task RUNNING', async () => (await status(logs)).tasks[0]?.state === 'RUNNING');
    const debugPuts = () =>
      logEntries().filter((e) => e.level === 20 && e.msg === 'put' && e.connector === logs);
    await produce(topics.logs, ['at-info']);
    await eventually('record sunk at INFO', async () => lines(file).includes('at-info'));
    expect(debugPuts()).toEqual([]);

    const set = await rest(worker.url, 'PUT', `/admin/loggers/${namespace}`, { level: 'DEBUG' });
    expect(set.status).toBe(200);
    expect(set.body).toContain(namespace);
    const one = await rest(worker.url, 'GET', `/admin/loggers/${namespace}`);
    expect(one).toMatchObject({ status: 200, body: { level: 'DEBUG', last_modified: expect.any(Number) } });
    expect(
      ((await rest(worker.url, 'GET', '/admin/loggers')).body as Record<string, { level: string }>)[
        namespace
      ],
    ).toMatchObject({ level: 'DEBUG' });
    // The running task's logger (a child of the namespace) follows the new level.
    await produce(topics.logs, ['at-debug']);
    await eventually('a DEBUG line of the running task', async () => debugPuts().length > 0);

    const bad = await rest(worker.url, 'PUT', `/admin/loggers/${namespace}`, { level: 'LOUD' });
    expect(bad).toMatchObject({
      status: 404,
      body: { error_code: 404, message: "invalid log level 'LOUD'." },
    });
    expect((await rest(worker.url, 'PUT', `/admin/loggers/${namespace}`, {})).status).toBe(400);
    expect((await rest(worker.url, 'PUT', `/admin/loggers/${namespace}`, { level: 'INFO' })).status).toBe(
      200,
    );
    expect((await rest(worker.url, 'GET', `/admin/loggers/${namespace}`)).body).toMatchObject({
      level: 'INFO',
    });
  });

  it('keeps its state in compacted internal topics, in the records Connect writes', async () => {
    const name = 'stored';
    const input = join(dir, 'stored.txt');
    writeFileSync(input, 'a\nb\n');
    await rest(worker.url, 'POST', '/connectors', {
      name,
      config: { 'connector.class': 'FileStreamSource', file: input, topic: topics.stored },
    });
    await eventually('offset of both lines flushed', async () => {
      const o = (await rest(worker.url, 'GET', `/connectors/${name}/offsets`)).body as {
        offsets: { offset: { position: number } }[];
      };
      return o.offsets[0]?.offset.position === 4;
    });
    const config = (await rest(worker.url, 'GET', `/connectors/${name}/config`)).body;

    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'rest-internal-topics' });
    try {
      const internal = [cluster.configTopic, cluster.offsetTopic, cluster.statusTopic];
      const described = await admin.describeConfigs({
        resources: internal.map((resourceName) => ({
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName,
        })),
      });
      for (const topic of internal) {
        const policy = described
          .find((d) => d.resourceName === topic)
          ?.configs.find((c) => c.name === 'cleanup.policy')?.value;
        expect([topic, policy]).toEqual([topic, 'compact']);
      }
      const metadata = await admin.metadata({ topics: internal });
      expect(internal.map((t) => metadata.topics.get(t)?.partitionsCount)).toEqual([1, 5, 5]);
    } finally {
      await admin.close();
    }

    const latest = async (topic: string) => {
      const byKey = new Map<string, unknown>();
      for (const record of await readTopic(bootstrap, topic)) {
        const key = record.key?.toString('utf8') ?? '';
        byKey.set(key, record.value ? JSON.parse(record.value.toString('utf8')) : null);
      }
      return byKey;
    };
    const configs = await latest(cluster.configTopic);
    expect(configs.get(`connector-${name}`)).toEqual({ properties: config });
    expect(configs.get(`target-state-${name}`)).toEqual({ state: 'STARTED', 'state.v2': 'STARTED' });
    expect(configs.get(`commit-${name}`)).toEqual({ tasks: 1 });
    expect(configs.get(`task-${name}-0`)).toMatchObject({
      properties: { file: input, topic: topics.stored },
    });

    const statuses = await latest(cluster.statusTopic);
    expect(statuses.get(`status-connector-${name}`)).toMatchObject({
      state: 'RUNNING',
      worker_id: `127.0.0.1:${worker.port}`,
    });
    expect(statuses.get(`status-task-${name}-0`)).toMatchObject({ state: 'RUNNING' });
    expect(statuses.get(`status-topic-${topics.stored}:connector-${name}`)).toMatchObject({
      topic: { name: topics.stored, connector: name, task: 0 },
    });

    const offsets = await latest(cluster.offsetTopic);
    expect(offsets.get(JSON.stringify([name, { filename: input }]))).toEqual({ position: 4 });
  });
});
