import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin, createConsumer, createProducer } from '@msa-sync/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';
import { headerText, readTopic } from '../support/topic-reader.js';

type TaskStatus = { id: number; state: string; worker_id: string; trace?: string };
type Status = { connector: { state: string }; tasks: TaskStatus[] };

const envelope = (text: string) =>
  JSON.stringify({ schema: { type: 'string', optional: false }, payload: text });

const SERIALIZATION_ERROR = 'Converting byte[] to Kafka Connect data failed due to serialization error';
const ENVELOPE_ERROR =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.';
const TYPE_ERROR = 'Invalid JSON STRING for INT32 value: expected NUMBER';

/**
 * The sink topic: JsonConverter envelopes (schemas.enable=true, the worker's default) mixed with
 * three kinds of records the converter rejects, each with the message it must report.
 */
const mixed: { value: string; malformed?: string; header?: string }[] = [
  { value: envelope('valid-0') },
  { value: 'not json {', malformed: SERIALIZATION_ERROR, header: 'from-test' },
  { value: envelope('valid-1') },
  { value: '{"just":"json"}', malformed: ENVELOPE_ERROR },
  { value: envelope('valid-2') },
  {
    value: JSON.stringify({ schema: { type: 'int32', optional: false }, payload: 'x' }),
    malformed: TYPE_ERROR,
  },
  { value: envelope('valid-3') },
];
const validLines = ['valid-0', 'valid-1', 'valid-2', 'valid-3'];

/**
 * Malformed records under errors.tolerance none and all (issue 3, item 6), against a real worker.
 * errors.retry.timeout has no test: the worker retries only errors marked retriable, and no stage it
 * guards can raise one (converters throw DataError, never retriable), so there is nothing to retry.
 */
describe('errors.tolerance on conversion errors (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const dir = mkdtempSync(join(tmpdir(), 'msa-tolerance-'));
  const mixedTopic = uniqueName('tolerance-mixed');
  const cleanTopic = uniqueName('tolerance-clean');
  const dlqTopic = uniqueName('tolerance-dlq');
  // Sink connectors consume in group connect-<name>: unique names keep concurrent runs apart.
  const strict = uniqueName('strict');
  const healthy = uniqueName('healthy');
  const tolerant = uniqueName('tolerant');
  const producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'tolerance-test' });
  let worker: WorkerProcess;

  const status = async (name: string) =>
    (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
  const lines = (file: string) =>
    existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(0, -1) : [];

  beforeAll(async () => {
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'tolerance-admin' });
    try {
      await admin.createTopics({ topics: [mixedTopic, cleanTopic], partitions: 1, replicas: 1 });
    } finally {
      await admin.close();
    }
    await producer.send({
      messages: mixed.map((m) => ({
        topic: mixedTopic,
        partition: 0,
        value: Buffer.from(m.value),
        ...(m.header ? { headers: new Map([['origin', Buffer.from(m.header)]]) } : {}),
      })),
    });
    await producer.send({
      messages: [0, 1].map((i) => ({
        topic: cleanTopic,
        partition: 0,
        value: Buffer.from(envelope(`clean-${i}`)),
      })),
    });
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('tolerance')));
  });
  afterAll(async () => {
    await producer.close();
    await worker?.kill();
  });

  it('errors.tolerance=none: the task goes FAILED with the conversion error in its trace; other connectors keep running', async () => {
    const healthyFile = join(dir, 'healthy.txt');
    const created = await rest(worker.url, 'POST', '/connectors', {
      name: strict,
      config: {
        'connector.class': 'FileStreamSink',
        file: join(dir, 'strict.txt'),
        topics: mixedTopic,
        'errors.tolerance': 'none',
      },
    });
    expect(created.status).toBe(201);
    await rest(worker.url, 'POST', '/connectors', {
      name: healthy,
      config: { 'connector.class': 'FileStreamSink', file: healthyFile, topics: cleanTopic },
    });

    const failed = await eventually(
      'strict task FAILED',
      async () => {
        const s = await status(strict);
        return s.tasks[0]?.state === 'FAILED' ? s : undefined;
      },
      45_000,
    );
    // Connect's shape: the connector instance is fine, its task failed, with a stack trace.
    expect(failed.connector.state).toBe('RUNNING');
    const trace = failed.tasks[0]?.trace ?? '';
    expect(trace).toContain('Tolerance exceeded in error handler');
    expect(trace).toContain('VALUE_CONVERTER');
    // The first record the converter rejects is the one that is not JSON at all.
    expect(trace).toContain(SERIALIZATION_ERROR);
    expect(trace).toMatch(/\n\s+at /);

    const task = await rest(worker.url, 'GET', `/connectors/${strict}/tasks/0/status`);
    expect(task).toMatchObject({ status: 200, body: { id: 0, state: 'FAILED' } });
    expect((task.body as TaskStatus).trace).toContain(SERIALIZATION_ERROR);

    // The worker keeps serving: the other sink stays RUNNING and keeps moving records.
    await producer.send({
      messages: [{ topic: cleanTopic, partition: 0, value: Buffer.from(envelope('clean-after-failure')) }],
    });
    await eventually('records after the failure reach the healthy sink', async () => {
      return lines(healthyFile).join(',') === 'clean-0,clean-1,clean-after-failure';
    });
    const healthyStatus = await status(healthy);
    expect(healthyStatus.connector.state).toBe('RUNNING');
    expect(healthyStatus.tasks.map((t) => t.state)).toEqual(['RUNNING']);
    expect((await status(strict)).tasks[0]?.state).toBe('FAILED');
    expect(lines(join(dir, 'strict.txt'))).not.toContain('valid-1');
  });

  it('errors.tolerance=all: valid records reach the file, malformed ones the dead letter queue with context headers', async () => {
    const file = join(dir, 'tolerant.txt');
    const created = await rest(worker.url, 'POST', '/connectors', {
      name: tolerant,
      config: {
        'connector.class': 'FileStreamSink',
        file,
        topics: mixedTopic,
        'errors.tolerance': 'all',
        'errors.log.enable': 'true',
        'errors.deadletterqueue.topic.name': dlqTopic,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      },
    });
    expect(created.status).toBe(201);

    await eventually(
      'every valid record in the file, in order',
      async () => lines(file).join(',') === validLines.join(','),
    );
    const consumer = createConsumer({
      bootstrapServers: [bootstrap],
      clientId: 'dlq-check',
      groupId: uniqueName('dlq'),
    });
    try {
      await eventually('three records in the dead letter queue', async () => {
        const end = (await consumer.listOffsets({ topics: [dlqTopic] })).get(dlqTopic);
        return end?.[0] === 3n;
      });
    } finally {
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    }

    const dlq = await readTopic(bootstrap, dlqTopic);
    const malformed = mixed.flatMap((m, offset) => (m.malformed ? [{ ...m, offset }] : []));
    expect(dlq).toHaveLength(malformed.length);
    for (const [i, expected] of malformed.entries()) {
      const record = dlq[i];
      if (!record) throw new Error(`DLQ record ${i} missing`);
      // The original bytes, untouched, and the original headers next to Connect's context headers.
      expect(record.value?.equals(Buffer.from(expected.value))).toBe(true);
      expect(record.key).toBeFalsy();
      const headers = headerText(record);
      expect(headers).toMatchObject({
        '__connect.errors.topic': mixedTopic,
        '__connect.errors.partition': '0',
        '__connect.errors.offset': String(expected.offset),
        '__connect.errors.connector.name': tolerant,
        '__connect.errors.task.id': '0',
        '__connect.errors.stage': 'VALUE_CONVERTER',
        // The exception the converter threw (Connect's DataException), not an inner cause.
        '__connect.errors.exception.class.name': 'org.apache.kafka.connect.errors.DataException',
      });
      expect(headers['__connect.errors.exception.message']).toContain(expected.malformed);
      expect(headers['__connect.errors.exception.stacktrace']).toContain(expected.malformed);
      if (expected.header) expect(headers.origin).toBe(expected.header);
    }

    // errors.log.enable: one error line per skipped record, naming where it came from.
    const logged = readFileSync(worker.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('error tolerated'))
      .map(
        (line) => JSON.parse(line) as { connector?: string; stage?: string; offset?: string; topic?: string },
      )
      .filter((entry) => entry.connector === tolerant);
    expect(logged.map((e) => [e.topic, e.stage, e.offset])).toEqual(
      malformed.map((m) => [mixedTopic, 'VALUE_CONVERTER', String(m.offset)]),
    );

    // Skipped records count as handled: the group commits past them, so a restart does not replay them.
    await eventually('offsets committed past every record', async () => {
      const offsets = (await rest(worker.url, 'GET', `/connectors/${tolerant}/offsets`)).body as {
        offsets: { offset: { kafka_offset: number } }[];
      };
      return offsets.offsets[0]?.offset.kafka_offset === mixed.length;
    });
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `connect_task_records_skipped_total\\{connector="${tolerant}",task="0"\\} ${malformed.length}\\b`,
      ),
    );
    expect((await status(tolerant)).tasks[0]?.state).toBe('RUNNING');
  });
});
