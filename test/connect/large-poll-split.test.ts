import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin } from '@msa-sync/kafka';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { tail, uniqueName } from '../support/run-process.js';
import { readTopic } from '../support/topic-reader.js';

/** The topics' max.message.bytes: far below one poll's records. */
const MAX_MESSAGE_BYTES = 4096;

type Status = { tasks: { state: string; trace?: string }[] };
type Offsets = { offsets: { offset: { position?: number } }[] };

/**
 * A poll whose records exceed what the broker takes in one record batch (the topic's
 * max.message.bytes) is sent in several produce requests of one transaction instead of failing
 * with MESSAGE_TOO_LARGE; a single record over the limit fails the task with a clear error, as
 * Apache's RecordTooLargeException does.
 */
describe('exactly-once source: polls larger than the topic accepts in one request (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  });

  it('splits each poll under max.message.bytes for both transaction boundaries; refuses a record over it', {
    timeout: 180_000,
  }, async () => {
    const run = uniqueName('split');
    const dir = mkdtempSync(join(tmpdir(), 'msa-split-'));
    const lines = Array.from({ length: 300 }, (_, i) => `line-${i}-${'x'.repeat(150)}`);
    const text = `${lines.join('\n')}\n`;
    const topics = { poll: `${run}-poll`, interval: `${run}-interval`, large: `${run}-large` };
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'split-test' });
    try {
      await admin.createTopics({
        topics: Object.values(topics),
        partitions: 1,
        replicas: 1,
        configs: [{ name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) }],
      });
    } finally {
      await admin.close();
    }

    const worker = await startWorker(clusterSettings(bootstrap, run));
    workers.push(worker);
    const source = async (name: string, file: string, topic: string, extra: Record<string, string>) => {
      writeFileSync(join(dir, file), name === 'large' ? `small\n${'y'.repeat(MAX_MESSAGE_BYTES)}\n` : text);
      const created = await rest(worker.url, 'POST', '/connectors', {
        name,
        config: {
          'connector.class': 'FileStreamSource',
          file: join(dir, file),
          topic,
          // One poll takes every line: about 60 KB of records.
          'batch.size': '1000',
          'exactly.once.support': 'required',
          ...extra,
        },
      });
      expect(created.status).toBe(201);
    };
    await source('poll', 'poll.txt', topics.poll, {});
    await source('interval', 'interval.txt', topics.interval, {
      'transaction.boundary': 'interval',
      'transaction.boundary.interval.ms': '1000',
    });
    await source('large', 'large.txt', topics.large, {});

    const position = async (name: string) =>
      ((await rest(worker.url, 'GET', `/connectors/${name}/offsets`)).body as Offsets).offsets[0]?.offset
        .position;
    const total = Buffer.byteLength(text);
    for (const name of ['poll', 'interval']) {
      await eventually(
        `${name}: the whole file committed`,
        async () => (await position(name)) === total,
        60_000,
        200,
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\nworker log:\n${tail(worker.logFile, 40)}`);
      });
      const status = (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as Status;
      expect(status.tasks[0]?.state).toBe('RUNNING');
    }
    for (const topic of [topics.poll, topics.interval]) {
      const records = await readTopic(bootstrap, topic);
      expect(records.map((r) => JSON.parse(r.value?.toString() ?? 'null').payload)).toEqual(lines);
    }

    await eventually(
      'large: the task failed',
      async () =>
        ((await rest(worker.url, 'GET', '/connectors/large/status')).body as Status).tasks[0]?.state ===
        'FAILED',
      60_000,
      200,
    );
    const failed = (await rest(worker.url, 'GET', '/connectors/large/status')).body as Status;
    expect(failed.tasks[0]?.trace).toMatch(
      new RegExp(
        `RecordTooLargeException: A record for topic '${topics.large}' is \\d+ bytes when serialized, which is larger than ${MAX_MESSAGE_BYTES}`,
      ),
    );
    expect(failed.tasks[0]?.trace).not.toContain('MESSAGE_TOO_LARGE');
    // Nothing of the failed poll is visible, the small line before the large one neither.
    expect(await readTopic(bootstrap, topics.large, 10_000)).toEqual([]);
    expect(await position('large')).toBeUndefined();
  });
});
