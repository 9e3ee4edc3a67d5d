import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin, createProducer } from '@msa-sync/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  freePort,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { kafkaBin, uniqueName } from '../support/run-process.js';

type Offsets = { offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> }[] };

/**
 * Issue 13, item 4: the offsets API of a stopped sink answers every request, bad input and broker
 * refusals included, and never takes the worker down. Each answer was compared with Apache
 * Connect 4.3.1's own worker on the same broker (same requests, 2026-12-06); where Connect lets
 * bad input through to the broker or to OffsetAndMetadata and answers 500, we answer 400.
 */
describe('offsets API of a stopped sink (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const topic = uniqueName('sink-offsets-api');
  const other = `${topic}-other`;
  const missing = `${topic}-missing`;
  const name = uniqueName('sink-offsets-api-conn');
  const file = join(mkdtempSync(join(tmpdir(), 'msa-sink-offsets-api-')), 'out.txt');
  const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'sink-offsets-api-test' });
  let worker: WorkerProcess;

  const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(0, -1) : []);
  const offsets = async () => {
    const answer = await rest(worker.url, 'GET', `/connectors/${name}/offsets`);
    expect(answer.status).toBe(200);
    return (answer.body as Offsets).offsets
      .map((o) => `${o.partition.kafka_topic}/${o.partition.kafka_partition}=${o.offset.kafka_offset}`)
      .sort();
  };
  const setState = async (action: 'stop' | 'resume', state: string) => {
    const answer = await rest(worker.url, 'PUT', `/connectors/${name}/${action}`);
    expect(answer.status).toBe(action === 'stop' ? 204 : 202);
    await eventually(`${name} ${state}`, async () => {
      const s = (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as {
        connector: { state: string };
      };
      return s.connector.state === state;
    });
  };
  const patch = (...entries: unknown[]) =>
    rest(worker.url, 'PATCH', `/connectors/${name}/offsets`, { offsets: entries });
  const entry = (t: string, partition: unknown, offset: unknown) => ({
    partition: { kafka_topic: t, kafka_partition: partition },
    offset,
  });
  const altered = {
    status: 200,
    body: { message: 'The offsets for this connector have been altered successfully' },
  };
  /** The worker still answers, and nothing reached the process's last-resort handlers. */
  const expectWorkerUp = async () => {
    expect(worker.child.exitCode).toBeNull();
    expect(worker.child.signalCode).toBeNull();
    expect((await rest(worker.url, 'GET', '/')).status).toBe(200);
    expect(readFileSync(worker.logFile, 'utf8')).not.toMatch(
      /(Uncaught exception|Unhandled promise rejection); the worker keeps running/,
    );
  };

  beforeAll(async () => {
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
    await admin.createTopics({ topics: [other], partitions: 1, replicas: 1 });
    const producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'sink-offsets-api-producer' });
    try {
      await producer.send({
        messages: ['a', 'b', 'c', 'd', 'e'].map((v) => ({ topic, partition: 0, value: Buffer.from(v) })),
      });
    } finally {
      await producer.close();
    }
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('sink-offsets-api')));
    const created = await rest(worker.url, 'POST', '/connectors', {
      name,
      config: {
        'connector.class': 'FileStreamSink',
        file,
        topics: topic,
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      },
    });
    expect(created.status).toBe(201);
    await eventually('5 lines in the sink file', async () => lines().length === 5);
    await eventually('committed offset 5', async () => (await offsets()).includes(`${topic}/0=5`));
    await setState('stop', 'STOPPED');
  }, 120_000);
  afterAll(async () => {
    await admin.close();
    await worker?.kill();
  });

  it('alters a committed partition and one the group never committed', async () => {
    expect(await patch(entry(topic, 0, { kafka_offset: 1 }))).toMatchObject(altered);
    // A partition this group never committed, of a topic the connector does not even read.
    expect(await patch(entry(other, 0, { kafka_offset: 0 }))).toMatchObject(altered);
    // Connect reads "10" and 10 alike.
    expect(await patch(entry(topic, '1', { kafka_offset: '0' }))).toMatchObject(altered);
    expect(await offsets()).toEqual([`${other}/0=0`, `${topic}/0=1`, `${topic}/1=0`]);
    await expectWorkerUp();
  });

  it("answers Connect's 500 when the broker refuses a topic or partition that does not exist", async () => {
    for (const bad of [entry(missing, 0, { kafka_offset: 0 }), entry(topic, 7, { kafka_offset: 0 })]) {
      expect(await patch(bad), JSON.stringify(bad)).toEqual(
        expect.objectContaining({
          status: 500,
          body: { error_code: 500, message: `Failed to alter consumer group offsets for connector ${name}` },
        }),
      );
    }
    // Removing from a topic that does not exist is refused the same way.
    expect((await patch(entry(missing, 0, null))).body).toEqual({
      error_code: 500,
      message: `Failed to alter consumer group offsets for connector ${name}`,
    });
    // Logged with the broker's reason.
    expect(readFileSync(worker.logFile, 'utf8')).toContain('UNKNOWN_TOPIC_OR_PARTITION');
    expect(await offsets()).toEqual([`${other}/0=0`, `${topic}/0=1`, `${topic}/1=0`]);
    await expectWorkerUp();
  });

  it('refuses bad offsets with a 400 and changes nothing, even next to a valid entry', async () => {
    const unparsable = (v: string) =>
      `Failed to parse the following Kafka offset value in the provided offsets: '${v}'. Offset values for sink connectors need to be integers.`;
    for (const [bad, message] of [
      [{ kafka_offset: -1 }, 'Kafka offsets must be valid numbers and may not be negative: -1'],
      [{ kafka_offset: 1.5 }, unparsable('1.5')],
      [{ kafka_offset: 'one' }, unparsable('one')],
      // Connect refuses a null kafka_offset too: only a null offset removes a partition's offset.
      [{ kafka_offset: null }, unparsable('null')],
      [
        { offset: 1 },
        "The offset for a sink connector should either be null or contain the key 'kafka_offset'",
      ],
    ] as const) {
      const answer = await patch(entry(topic, 1, { kafka_offset: 3 }), entry(topic, 0, bad));
      expect(answer, JSON.stringify(bad)).toEqual(
        expect.objectContaining({ status: 400, body: { error_code: 400, message } }),
      );
    }
    const negativePartition = await patch(entry(topic, -1, { kafka_offset: 0 }));
    expect(negativePartition.status).toBe(400);
    expect(await offsets()).toEqual([`${other}/0=0`, `${topic}/0=1`, `${topic}/1=0`]);
    await expectWorkerUp();
  });

  it('a null offset removes the partition, and the resumed sink re-reads from offset 1', async () => {
    expect(await patch(entry(other, 0, null))).toMatchObject(altered);
    expect(await offsets()).toEqual([`${topic}/0=1`, `${topic}/1=0`]);

    await setState('resume', 'RUNNING');
    await eventually('9 lines', async () => lines().length === 9);
    expect(lines()).toEqual(['a', 'b', 'c', 'd', 'e', 'b', 'c', 'd', 'e']);
    await eventually('committed offset 5 again', async () => (await offsets()).includes(`${topic}/0=5`));
    await expectWorkerUp();
  });

  it('DELETE resets the group, twice over, and the sink starts from the beginning', async () => {
    await setState('stop', 'STOPPED');
    const reset = {
      status: 200,
      body: { message: 'The offsets for this connector have been reset successfully' },
    };
    expect(await rest(worker.url, 'DELETE', `/connectors/${name}/offsets`)).toMatchObject(reset);
    expect(await offsets()).toEqual([]);
    expect(await rest(worker.url, 'DELETE', `/connectors/${name}/offsets`)).toMatchObject(reset);
    await setState('resume', 'RUNNING');
    await eventually('14 lines', async () => lines().length === 14);
    expect(lines().slice(9)).toEqual(['a', 'b', 'c', 'd', 'e']);
    await expectWorkerUp();
  });
});

/** The same code answers in standalone mode (connect-standalone.sh), where the sink's group is the same. */
describe('offsets API of a stopped sink in standalone mode (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const topic = uniqueName('sink-offsets-standalone');
  const name = uniqueName('sink-offsets-standalone-conn');
  const dir = mkdtempSync(join(tmpdir(), 'msa-sink-offsets-standalone-'));
  const file = join(dir, 'out.txt');
  const logFile = join(dir, 'worker.log');
  const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(0, -1) : []);
  let url = '';
  let stopWorker = async () => {};

  beforeAll(async () => {
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'sink-offsets-standalone-test' });
    const producer = createProducer({
      bootstrapServers: [bootstrap],
      clientId: 'sink-offsets-standalone-producer',
    });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
      await producer.send({
        messages: ['a', 'b', 'c'].map((v) => ({ topic, partition: 0, value: Buffer.from(v) })),
      });
    } finally {
      await producer.close();
      await admin.close();
    }
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'worker.properties'),
      [
        `bootstrap.servers=${bootstrap}`,
        'key.converter=org.apache.kafka.connect.storage.StringConverter',
        'value.converter=org.apache.kafka.connect.storage.StringConverter',
        `offset.storage.file.filename=${join(dir, 'connect.offsets')}`,
        // The sink commits its group's offsets this often (Connect's default is a minute).
        'offset.flush.interval.ms=500',
        `listeners=HTTP://127.0.0.1:${port}`,
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'sink.json'),
      JSON.stringify({ name, config: { 'connector.class': 'FileStreamSink', file, topics: topic } }),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, MSA_LOG_LEVEL: 'INFO' };
    delete env.KAFKA_BOOTSTRAP_SERVERS;
    const child = spawn(join(kafkaBin, 'connect-standalone.sh'), ['worker.properties', 'sink.json'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(logFile);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    stopWorker = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    };
    await eventually('3 lines in the sink file', async () => lines().length === 3, 90_000);
  }, 120_000);
  afterAll(async () => {
    await stopWorker();
  });

  it('alters, refuses and answers 500 without ending the worker; the sink re-reads from the new offset', async () => {
    const state = async (action: 'stop' | 'resume', wanted: string) => {
      expect((await rest(url, 'PUT', `/connectors/${name}/${action}`)).status).toBe(
        action === 'stop' ? 204 : 202,
      );
      await eventually(`${name} ${wanted}`, async () => {
        const s = (await rest(url, 'GET', `/connectors/${name}/status`)).body as {
          connector: { state: string };
        };
        return s.connector.state === wanted;
      });
    };
    const patch = (offset: unknown, t = topic) =>
      rest(url, 'PATCH', `/connectors/${name}/offsets`, {
        offsets: [{ partition: { kafka_topic: t, kafka_partition: 0 }, offset }],
      });
    await eventually('committed offset 3', async () => {
      const answer = (await rest(url, 'GET', `/connectors/${name}/offsets`)).body as Offsets;
      return answer.offsets.some((o) => o.offset.kafka_offset === 3);
    });
    await state('stop', 'STOPPED');
    expect(await patch({ kafka_offset: 1 })).toMatchObject({
      status: 200,
      body: { message: 'The offsets for this connector have been altered successfully' },
    });
    expect((await patch({ kafka_offset: 'x' })).status).toBe(400);
    expect((await patch({ kafka_offset: 0 }, `${topic}-missing`)).body).toEqual({
      error_code: 500,
      message: `Failed to alter consumer group offsets for connector ${name}`,
    });
    expect((await rest(url, 'GET', '/')).status).toBe(200);
    await state('resume', 'RUNNING');
    await eventually('5 lines', async () => lines().length === 5);
    expect(lines()).toEqual(['a', 'b', 'c', 'b', 'c']);
    expect(readFileSync(logFile, 'utf8')).not.toMatch(
      /(Uncaught exception|Unhandled promise rejection); the worker keeps running/,
    );
  }, 90_000);
});
