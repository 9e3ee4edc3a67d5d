import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsumer } from '@msa-sync/kafka';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';

const LINES = 60_000;

/** Every record of a topic as a read_committed consumer sees it (aborted transactions hidden). */
async function readTopic(bootstrap: string, topic: string, expected: number): Promise<string[]> {
  const consumer = createConsumer({
    bootstrapServers: [bootstrap],
    clientId: 'eos-reader',
    groupId: uniqueName('eos'),
  });
  const values: string[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    const idle = () => setTimeout(() => void stream.close(), 5000);
    let timer = idle();
    for await (const message of stream) {
      values.push(JSON.parse(message.value?.toString() ?? 'null').payload);
      clearTimeout(timer);
      if (values.length >= expected) {
        // Keep reading a little: a duplicate would show up after the expected count.
        timer = setTimeout(() => void stream.close(), 2000);
      } else {
        timer = idle();
      }
    }
    clearTimeout(timer);
  } finally {
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }
  return values;
}

describe('exactly-once source delivery (real broker)', () => {
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  });

  it('writes every line exactly once although the worker is killed with SIGKILL mid-stream', async () => {
    const bootstrap = inject('kafkaBootstrap');
    // A long flush interval: without transactions a kill would re-send everything since the start.
    const cluster = clusterSettings(bootstrap, uniqueName('eos'));
    cluster.offsetFlushIntervalMs = 60_000;
    const dir = mkdtempSync(join(tmpdir(), 'msa-eos-'));
    const input = join(dir, 'in.txt');
    const topic = uniqueName('eos-lines');
    const lines = Array.from({ length: LINES }, (_, i) => `line-${i}`);
    writeFileSync(input, `${lines.join('\n')}\n`);

    const first = await startWorker(cluster);
    workers.push(first);
    await rest(first.url, 'POST', '/connectors', {
      name: 'eos-src',
      config: { 'connector.class': 'FileStreamSource', file: input, topic, 'batch.size': '500' },
    });
    const position = async (url: string) => {
      const o = (await rest(url, 'GET', '/connectors/eos-src/offsets')).body as {
        offsets: { offset: { position: number } }[];
      };
      return o.offsets[0]?.offset.position ?? 0;
    };
    await eventually('some lines committed', async () => (await position(first.url)) > 0, 60_000, 20);
    await first.kill('SIGKILL');

    const second = await startWorker(cluster, first.port);
    workers.push(second);
    const total = Buffer.byteLength(`${lines.join('\n')}\n`);
    await eventually('the whole file committed', async () => (await position(second.url)) === total, 120_000);

    const values = await readTopic(bootstrap, topic, LINES);
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const duplicates = [...counts.values()].filter((n) => n > 1).length;
    expect(duplicates).toBe(0);
    expect(values.length).toBe(LINES);
    expect(new Set(values)).toEqual(new Set(lines));
    // Order is kept too: one partition, one task, transactions in order.
    expect(values).toEqual(lines);
  });
});
