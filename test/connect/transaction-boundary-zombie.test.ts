import { appendFileSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { sleep } from '../jdbc/source-harness.js';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';
import { readTopic } from '../support/topic-reader.js';

type Status = { tasks: { id: number; state: string; worker_id: string; trace?: string }[] };

/**
 * Zombie fencing with the interval boundary and a connector's own offsets topic: the frozen
 * worker's task holds a transaction open over many polls; its successor's producer (same
 * transactional id) fences it and aborts that transaction, so after the thaw nothing of the
 * zombie becomes visible and every line is in the topic once, in order.
 */
describe('zombie fencing with transaction.boundary=interval (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    for (const w of workers) {
      w.child.kill('SIGCONT');
      await w.kill('SIGKILL');
    }
  });

  it('the thawed zombie commits nothing; each line once, in order', { timeout: 240_000 }, async () => {
    const run = uniqueName('txbz');
    const cluster = clusterSettings(bootstrap, run);
    const input = join(mkdtempSync(join(tmpdir(), 'msa-txbz-')), 'in.txt');
    writeFileSync(input, '');
    const topic = `${run}-lines`;
    let written = 0;
    let writing = true;
    const writes = (async () => {
      while (writing) {
        const batch = Array.from({ length: 10 }, () => `line-${written++}`);
        appendFileSync(input, `${batch.join('\n')}\n`);
        await sleep(50);
      }
    })();
    try {
      const a = await startWorker(cluster);
      const b = await startWorker(cluster);
      workers.push(a, b);
      const created = await rest(a.url, 'POST', '/connectors', {
        name: 'txbz',
        config: {
          'connector.class': 'FileStreamSource',
          file: input,
          topic,
          'batch.size': '20',
          'transaction.boundary': 'interval',
          'transaction.boundary.interval.ms': '3000',
          'offsets.storage.topic': `${run}-own-offsets`,
        },
      });
      expect(created.status).toBe(201);
      const taskWorker = async (via: WorkerProcess) => {
        const s = (await rest(via.url, 'GET', '/connectors/txbz/status')).body as Status;
        const task = s.tasks[0];
        if (task?.state === 'FAILED') throw new Error(`task failed: ${task.trace}`);
        return task?.state === 'RUNNING' ? task.worker_id : undefined;
      };
      const position = async (via: WorkerProcess) => {
        const o = (await rest(via.url, 'GET', '/connectors/txbz/offsets')).body as {
          offsets: { offset: { position: number } }[];
        };
        return o.offsets[0]?.offset.position ?? 0;
      };
      const placed = await eventually('task running', () => taskWorker(a), 60_000);
      const zombie = placed.endsWith(`:${a.port}`) ? a : b;
      const survivor = zombie === a ? b : a;
      await eventually('a first commit', async () => (await position(survivor)) > 0, 30_000);
      // Frozen mid-interval: its transaction holds the lines since the last commit.
      await sleep(1000);
      zombie.child.kill('SIGSTOP');
      const survivorId = `127.0.0.1:${survivor.port}`;
      await eventually(
        'the task on the survivor',
        async () => (await taskWorker(survivor)) === survivorId,
        60_000,
        200,
      );
      const resumedAt = await position(survivor);
      await eventually('the survivor committing', async () => (await position(survivor)) > resumedAt, 30_000);
      zombie.child.kill('SIGCONT');
      // The zombie's task tries to go on with its fenced producer, then learns it was evicted.
      await sleep(8000);
      writing = false;
      await writes;
      const size = statSync(input).size;
      await eventually('every line committed', async () => (await position(survivor)) === size, 60_000, 250);
      const values = (await readTopic(bootstrap, topic, 60_000)).map(
        (r) => JSON.parse(r.value?.toString() ?? 'null').payload as string,
      );
      expect(values.length).toBe(written);
      expect(values).toEqual(Array.from({ length: written }, (_, i) => `line-${i}`));
      console.log(`interval boundary zombie: ${written} lines, each once and in order after SIGSTOP/SIGCONT`);
    } finally {
      writing = false;
      await writes.catch(() => {});
    }
  });
});
