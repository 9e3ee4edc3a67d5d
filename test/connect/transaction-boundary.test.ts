import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsumer, createProducer, FetchIsolationLevels } from '@msa-sync/kafka';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';
import { readTopic } from '../support/topic-reader.js';

type Offsets = { offsets: { partition: Record<string, unknown>; offset: { position?: number } }[] };
type Validation = {
  error_count: number;
  configs: {
    definition: {
      name: string;
      type: string;
      default_value: string | null;
      group: string;
      order_in_group: number;
    };
    value: { name: string; errors: string[] };
  }[];
};

/** End offsets of every partition: the high watermark, or the last stable offset (read_committed). */
async function endOffsets(bootstrap: string, topic: string, committed: boolean): Promise<bigint[]> {
  const consumer = createConsumer({
    bootstrapServers: [bootstrap],
    clientId: 'tx-boundary-ends',
    groupId: uniqueName('tx-boundary-ends'),
  });
  try {
    const ends = await consumer.listOffsets({
      topics: [topic],
      isolationLevel: committed ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED,
    });
    return ends.get(topic) ?? [];
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
}

const lineValues = (records: { value?: Buffer | undefined }[]) =>
  records.map((r) => JSON.parse(r.value?.toString() ?? 'null').payload as string);

/**
 * Apache's per-connector exactly-once keys on a real broker: the interval boundary (several polls
 * in one transaction, invisible to read_committed readers until it commits with its offsets), a
 * connector's own offsets.storage.topic (written in the transaction, read first on restart, used
 * by the offsets REST API), and the validation answers.
 */
describe('transaction.boundary and offsets.storage.topic (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  });

  it('interval: the records of many polls and their offsets commit together, in its own offsets topic; a restart resumes from there', {
    timeout: 240_000,
  }, async () => {
    const run = uniqueName('txb');
    const cluster = clusterSettings(bootstrap, run);
    const dir = mkdtempSync(join(tmpdir(), 'msa-txb-'));
    const input = join(dir, 'in.txt');
    const topic = `${run}-lines`;
    const ownOffsets = `${run}-own-offsets`;
    const name = 'txb-src';
    const first = Array.from({ length: 50 }, (_, i) => `line-${i}`);
    writeFileSync(input, `${first.join('\n')}\n`);

    const a = await startWorker(cluster);
    workers.push(a);
    const created = await rest(a.url, 'POST', '/connectors', {
      name,
      config: {
        'connector.class': 'FileStreamSource',
        file: input,
        topic,
        // Ten polls of five lines, all within the first interval.
        'batch.size': '5',
        'exactly.once.support': 'required',
        'transaction.boundary': 'interval',
        // Long enough for the checks below to run before the commit on a loaded machine.
        'transaction.boundary.interval.ms': '30000',
        'offsets.storage.topic': ownOffsets,
      },
    });
    expect(created.status).toBe(201);
    const offsets = async (url: string) => {
      const answer = await rest(url, 'GET', `/connectors/${name}/offsets`);
      expect(answer.status).toBe(200);
      return (answer.body as Offsets).offsets;
    };

    // Every line is in the topic, in a transaction still open: read_committed readers see nothing
    // (the last stable offset stays at 0) and no offset is committed.
    const sentAt = Date.now();
    await eventually(
      'all lines sent in the open transaction',
      async () =>
        (await readTopic(bootstrap, topic, 10_000, FetchIsolationLevels.READ_UNCOMMITTED)).length === 50,
      20_000,
      200,
    );
    expect(await endOffsets(bootstrap, topic, true)).toEqual([0n]);
    expect(await offsets(a.url)).toEqual([]);
    const openFor = Date.now() - sentAt;

    // The commit: offsets and records visible together; one commit marker, so one transaction.
    const total = Buffer.byteLength(`${first.join('\n')}\n`);
    await eventually(
      'the transaction committed',
      async () => (await offsets(a.url))[0]?.offset.position === total,
      60_000,
      200,
    );
    const committedAfter = Date.now() - sentAt;
    expect(await endOffsets(bootstrap, topic, false)).toEqual([51n]);
    expect(lineValues(await readTopic(bootstrap, topic))).toEqual(first);

    // The offsets are in the connector's own topic (created by the worker), copied to the worker's.
    const key = JSON.stringify([name, { filename: input }]);
    const own = await readTopic(bootstrap, ownOffsets);
    expect(own.map((r) => [r.key?.toString(), r.value?.toString()])).toEqual([
      [key, JSON.stringify({ position: total })],
    ]);
    const copy = (await readTopic(bootstrap, cluster.offsetTopic)).filter((r) => r.key?.toString() === key);
    expect(copy.map((r) => r.value?.toString())).toEqual([JSON.stringify({ position: total })]);

    // A stale offset in the worker's topic must not win over the connector's own topic: resuming
    // from it would send every line again.
    const producer = createProducer({ bootstrapServers: [bootstrap], clientId: 'txb-stale' });
    await producer.send({
      messages: [
        {
          topic: cluster.offsetTopic,
          key: Buffer.from(key),
          value: Buffer.from(JSON.stringify({ position: 0 })),
        },
      ],
    });
    await producer.close();

    await a.kill('SIGKILL');
    const more = Array.from({ length: 30 }, (_, i) => `line-${50 + i}`);
    appendFileSync(input, `${more.join('\n')}\n`);
    const b = await startWorker(cluster);
    workers.push(b);
    const all = [...first, ...more];
    const allBytes = Buffer.byteLength(`${all.join('\n')}\n`);
    await eventually(
      'the appended lines committed after the restart',
      async () => (await offsets(b.url))[0]?.offset.position === allBytes,
      90_000,
      250,
    );
    expect(lineValues(await readTopic(bootstrap, topic))).toEqual(all);

    // The offsets REST API works on the connector's own topic: alter, then reset both topics.
    expect((await rest(b.url, 'PUT', `/connectors/${name}/stop`)).status).toBe(204);
    await eventually('stopped', async () => {
      const s = (await rest(b.url, 'GET', `/connectors/${name}/status`)).body as {
        connector: { state: string };
        tasks: unknown[];
      };
      return s.connector.state === 'STOPPED' && s.tasks.length === 0;
    });
    const altered = await rest(b.url, 'PATCH', `/connectors/${name}/offsets`, {
      offsets: [{ partition: { filename: input }, offset: { position: total } }],
    });
    expect(altered.status).toBe(200);
    expect((await offsets(b.url))[0]?.offset.position).toBe(total);
    expect((await readTopic(bootstrap, ownOffsets)).at(-1)?.value?.toString()).toBe(
      JSON.stringify({ position: total }),
    );
    expect((await rest(b.url, 'DELETE', `/connectors/${name}/offsets`)).status).toBe(200);
    expect(await offsets(b.url)).toEqual([]);
    expect((await readTopic(bootstrap, ownOffsets)).at(-1)?.value).toBeUndefined();
    console.log(
      `interval boundary: 50 lines in 10 polls invisible to read_committed for ${openFor}+ ms, ` +
        `committed with their offsets ${committedAfter} ms after they were sent (interval 30000 ms)`,
    );
  });

  it('validation: Apache keys and groups for sources, refusals with Apache messages, sinks refuse them; an own offsets topic without exactly-once', {
    timeout: 120_000,
  }, async () => {
    const run = uniqueName('txb-val');
    const eos = await startWorker(clusterSettings(bootstrap, run));
    workers.push(eos);
    const noEos = await startWorker(
      clusterSettings(bootstrap, `${run}-off`, { 'exactly.once.source.support': 'disabled' }),
    );
    workers.push(noEos);
    const input = join(mkdtempSync(join(tmpdir(), 'msa-txb-val-')), 'in.txt');
    writeFileSync(input, 'x\n');
    const source = { 'connector.class': 'FileStreamSource', file: input, topic: `${run}-t` };

    const validated = (
      await rest(eos.url, 'PUT', '/connector-plugins/FileStreamSource/config/validate', {
        ...source,
        name: 'v',
        'transaction.boundary': 'interval',
      })
    ).body as Validation;
    expect(validated.error_count).toBe(0);
    const defs = Object.fromEntries(validated.configs.map((c) => [c.definition.name, c.definition]));
    expect(
      [
        'exactly.once.support',
        'transaction.boundary',
        'transaction.boundary.interval.ms',
        'offsets.storage.topic',
      ].map((k) => [k, defs[k]?.type, defs[k]?.default_value, defs[k]?.group, defs[k]?.order_in_group]),
    ).toEqual([
      ['exactly.once.support', 'STRING', 'requested', 'Exactly Once Support', 2],
      ['transaction.boundary', 'STRING', 'poll', 'Exactly Once Support', 3],
      ['transaction.boundary.interval.ms', 'LONG', null, 'Exactly Once Support', 4],
      ['offsets.storage.topic', 'STRING', null, 'offsets.topic', 1],
    ]);

    const required = await rest(noEos.url, 'POST', '/connectors', {
      name: 'req',
      config: { ...source, 'exactly.once.support': 'required' },
    });
    expect(required.status).toBe(400);
    expect((required.body as { error_code: number; message: string }).error_code).toBe(400);
    expect((required.body as { message: string }).message).toContain(
      'This worker does not have exactly-once source support enabled.',
    );
    const boundaryWithoutEos = await rest(noEos.url, 'POST', '/connectors', {
      name: 'poll',
      config: { ...source, 'transaction.boundary': 'interval' },
    });
    expect(boundaryWithoutEos.status).toBe(400);

    const connector = await rest(eos.url, 'POST', '/connectors', {
      name: 'conn',
      config: { ...source, 'transaction.boundary': 'connector' },
    });
    expect(connector.status).toBe(400);
    expect((connector.body as { message: string }).message).toContain(
      'The connector does not support connector-defined transaction boundaries with the given configuration. Please reconfigure it to use a different transaction boundary definition.',
    );

    const sink = (
      await rest(eos.url, 'PUT', '/connector-plugins/FileStreamSink/config/validate', {
        'connector.class': 'FileStreamSink',
        name: 's',
        file: join(tmpdir(), `${run}-out.txt`),
        topics: 't',
        'transaction.boundary': 'poll',
        'offsets.storage.topic': 'x',
      })
    ).body as Validation;
    // Without exactly-once sources (as Apache in distributed mode) a connector's own offsets topic
    // still holds its offsets, flushed every offset.flush.interval.ms, with the copy in the worker's.
    const ownTopic = `${run}-off-own-offsets`;
    const plain = await rest(noEos.url, 'POST', '/connectors', {
      name: 'plain',
      config: { ...source, 'offsets.storage.topic': ownTopic },
    });
    expect(plain.status).toBe(201);
    const position = JSON.stringify({ position: 2 });
    await eventually('offsets flushed to the connector topic', async () => {
      const own = await readTopic(bootstrap, ownTopic, 10_000);
      return own.at(-1)?.value?.toString() === position;
    });
    const key = JSON.stringify(['plain', { filename: input }]);
    await eventually("the copy in the worker's topic", async () => {
      const copies = (await readTopic(bootstrap, `${run}-off-offsets`, 10_000)).filter(
        (r) => r.key?.toString() === key,
      );
      return copies.at(-1)?.value?.toString() === position;
    });
    expect(sink.error_count).toBe(2);
    expect(sink.configs.find((c) => c.value.name === 'offsets.storage.topic')?.value.errors[0]).toMatch(
      /applies to source connectors only/,
    );
  });
});
