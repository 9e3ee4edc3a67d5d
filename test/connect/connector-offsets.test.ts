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
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';

type Offsets = { offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> }[] };

/**
 * `PATCH|DELETE /connectors/{sink}/offsets` on a stopped sink (issue 14: the PATCH used to end the
 * worker). A sink's offsets are its consumer group's; the test reads them back through REST and
 * straight from the group, and checks the task really resumes from them.
 */
describe('sink connector offsets API (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const topic = uniqueName('sink-offsets');
  const name = uniqueName('sink-offsets-conn');
  const file = join(mkdtempSync(join(tmpdir(), 'msa-sink-offsets-')), 'out.txt');
  const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: 'sink-offsets-test' });
  let worker: WorkerProcess;

  const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(0, -1) : []);
  const offsets = async () => {
    const answer = await rest(worker.url, 'GET', `/connectors/${name}/offsets`);
    expect(answer.status).toBe(200);
    return (answer.body as Offsets).offsets
      .map((o) => `${o.partition.kafka_topic}/${o.partition.kafka_partition}=${o.offset.kafka_offset}`)
      .sort();
  };
  const groupOffsets = async () => {
    const [group] = await admin.listConsumerGroupOffsets({ groups: [`connect-${name}`] });
    return (group?.topics ?? [])
      .flatMap((t) =>
        t.partitions
          .filter((p) => p.committedOffset >= 0n)
          .map((p) => `${t.name}/${p.partitionIndex}=${p.committedOffset}`),
      )
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
    // STOPPED is reported before the tasks' consumers have left the group (as in Connect, whose
    // answer to an alter in that window is an error that "can be safely retried"): wait for them,
    // as Apache's OffsetsApiIntegrationTest waits for the tasks to be gone.
    if (action === 'stop')
      await eventually(`connect-${name} without members`, async () => {
        const group = (await admin.describeGroups({ groups: [`connect-${name}`] })).get(`connect-${name}`);
        return (group?.members.size ?? 0) === 0;
      });
  };
  const patch = (body: unknown) => rest(worker.url, 'PATCH', `/connectors/${name}/offsets`, body);

  beforeAll(async () => {
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
    const producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'sink-offsets-producer' });
    try {
      await producer.send({
        messages: ['a', 'b', 'c', 'd', 'e'].map((v) => ({ topic, partition: 0, value: Buffer.from(v) })),
      });
    } finally {
      await producer.close();
    }
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('sink-offsets')));
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
  }, 120_000);
  afterAll(async () => {
    await admin.close();
    await worker?.kill();
  });

  it('refuses to alter a running sink, then alters, removes and resets the stopped sink', async () => {
    // the task commits what it wrote
    await eventually('committed offset 5', async () => (await offsets()).join() === `${topic}/0=5`);
    const running = await patch({
      offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 2 } }],
    });
    expect(running.status).toBe(400);
    expect((running.body as { message: string }).message).toContain('must be in the STOPPED state');

    await setState('stop', 'STOPPED');
    // The exact call that used to end the worker process.
    const altered = await patch({
      offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 2 } }],
    });
    expect(altered).toMatchObject({
      status: 200,
      body: { message: 'The offsets for this connector have been altered successfully' },
    });
    expect(await offsets()).toEqual([`${topic}/0=2`]);
    expect(await groupOffsets()).toEqual([`${topic}/0=2`]);

    // Bad entries are 400 and change nothing, even next to a valid one.
    for (const bad of [
      { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: -1 } },
      { partition: { kafka_topic: topic, kafka_partition: 'zero' }, offset: { kafka_offset: 1 } },
      { partition: { kafka_topic: topic }, offset: { kafka_offset: 1 } },
      { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { position: 1 } },
    ]) {
      const answer = await patch({
        offsets: [
          { partition: { kafka_topic: topic, kafka_partition: 1 }, offset: { kafka_offset: 0 } },
          bad,
        ],
      });
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect(answer.body).toMatchObject({ error_code: 400 });
    }
    expect(await groupOffsets()).toEqual([`${topic}/0=2`]);

    // The task resumes at offset 2: c, d and e are written a second time.
    await setState('resume', 'RUNNING');
    await eventually('8 lines', async () => lines().length === 8);
    expect(lines().slice(5)).toEqual(['c', 'd', 'e']);
    await eventually(
      'committed offset 5 again',
      async () => (await groupOffsets()).join() === `${topic}/0=5`,
    );

    // A null offset removes a partition's committed offset; another partition is set alongside.
    await setState('stop', 'STOPPED');
    const removed = await patch({
      offsets: [
        { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: null },
        { partition: { kafka_topic: topic, kafka_partition: 1 }, offset: { kafka_offset: 0 } },
      ],
    });
    expect(removed.status).toBe(200);
    expect(await offsets()).toEqual([`${topic}/1=0`]);
    expect(await groupOffsets()).toEqual([`${topic}/1=0`]);

    // DELETE resets everything: the group's offsets are gone, and the task starts over.
    const reset = await rest(worker.url, 'DELETE', `/connectors/${name}/offsets`);
    expect(reset).toMatchObject({
      status: 200,
      body: { message: 'The offsets for this connector have been reset successfully' },
    });
    expect(await offsets()).toEqual([]);
    expect(await groupOffsets()).toEqual([]);
    // Resetting what is already reset is fine too.
    expect((await rest(worker.url, 'DELETE', `/connectors/${name}/offsets`)).status).toBe(200);
    await setState('resume', 'RUNNING');
    await eventually('13 lines', async () => lines().length === 13);
    expect(lines().slice(8)).toEqual(['a', 'b', 'c', 'd', 'e']);

    expect(worker.child.exitCode).toBeNull();
    expect((await rest(worker.url, 'GET', '/')).status).toBe(200);
  }, 120_000);

  it("checks a FileStreamSource's offsets as Apache's connector does, storing only valid ones", async () => {
    const source = `${name}-source`;
    const input = join(mkdtempSync(join(tmpdir(), 'msa-source-offsets-')), 'in.txt');
    writeFileSync(input, 'one\ntwo\n');
    const created = await rest(worker.url, 'POST', '/connectors', {
      name: source,
      config: { 'connector.class': 'FileStreamSource', file: input, topic: `${topic}-source` },
      initial_state: 'STOPPED',
    });
    expect(created.status).toBe(201);
    const url = `/connectors/${source}/offsets`;
    for (const [offsets, message] of [
      [[{ partition: { filename: input }, offset: { position: 'abc' } }], 'expected to be a Long value'],
      [[{ partition: { filename: input }, offset: { position: -4 } }], 'should be a non-negative value'],
      [[{ partition: { file: input }, offset: { position: 4 } }], "must contain the key 'filename'"],
      [[{ partition: { filename: input }, offset: { pos: 4 } }], "contain the key 'position'"],
    ] as const) {
      const answer = await rest(worker.url, 'PATCH', url, { offsets });
      expect(answer.status, JSON.stringify(offsets)).toBe(400);
      expect((answer.body as { message: string }).message).toContain(message);
    }
    expect((await rest(worker.url, 'GET', url)).body).toEqual({ offsets: [] });
    const valid = await rest(worker.url, 'PATCH', url, {
      offsets: [{ partition: { filename: input }, offset: { position: 4 } }],
    });
    expect(valid.status).toBe(200);
    expect((await rest(worker.url, 'GET', url)).body).toEqual({
      offsets: [{ partition: { filename: input }, offset: { position: 4 } }],
    });
  }, 60_000);
});
