import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';

type Status = {
  connector: { state: string; worker_id: string };
  tasks: { id: number; state: string; worker_id: string }[];
};

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line-${from + i}`);

describe('distributed mode (real broker)', () => {
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  });

  it('survives a restart: connectors come back and the source resumes from its committed offset', async () => {
    const cluster = clusterSettings(inject('kafkaBootstrap'), uniqueName('restart'));
    const dir = mkdtempSync(join(tmpdir(), 'msa-restart-'));
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    const topic = uniqueName('restart-lines');
    writeFileSync(input, `${lines(0, 100).join('\n')}\n`);
    const first = await startWorker(cluster);
    workers.push(first);
    await rest(first.url, 'POST', '/connectors', {
      name: 'src',
      config: { 'connector.class': 'FileStreamSource', file: input, topic },
    });
    await rest(first.url, 'POST', '/connectors', {
      name: 'snk',
      config: { 'connector.class': 'FileStreamSink', file: output, topics: topic },
    });
    await rest(first.url, 'PUT', '/connectors/snk/pause');
    await eventually('100 lines read', async () => {
      const o = (await rest(first.url, 'GET', '/connectors/src/offsets')).body as {
        offsets: { offset: { position: number } }[];
      };
      return o.offsets[0]?.offset.position === Buffer.byteLength(`${lines(0, 100).join('\n')}\n`);
    });
    await first.kill('SIGTERM');

    appendFileSync(input, `${lines(100, 150).join('\n')}\n`);
    const second = await startWorker(cluster, first.port);
    workers.push(second);
    expect(((await rest(second.url, 'GET', '/connectors')).body as string[]).sort()).toEqual(['snk', 'src']);
    // The paused state came back from the config topic.
    await eventually('sink still PAUSED', async () => {
      const s = (await rest(second.url, 'GET', '/connectors/snk/status')).body as Status;
      return s.connector.state === 'PAUSED';
    });
    await rest(second.url, 'PUT', '/connectors/snk/resume');
    await eventually('all 150 lines once in the output', async () => {
      const out = readFileSync(output, 'utf8').trimEnd().split('\n');
      return out.length === 150 && out.join('\n') === lines(0, 150).join('\n');
    });
    await second.kill('SIGTERM');
  });

  it('spreads work over two workers; when one is killed its tasks move and the sink loses no line', async () => {
    const cluster = clusterSettings(inject('kafkaBootstrap'), uniqueName('pair'));
    const dir = mkdtempSync(join(tmpdir(), 'msa-pair-'));
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    const topic = uniqueName('pair-lines');
    writeFileSync(input, `${lines(0, 500).join('\n')}\n`);
    const a = await startWorker(cluster);
    const b = await startWorker(cluster);
    workers.push(a, b);

    await rest(a.url, 'POST', '/connectors', {
      name: 'src',
      config: { 'connector.class': 'FileStreamSource', file: input, topic },
    });
    // A write sent to the follower is forwarded to the leader, as Connect does.
    const viaB = await rest(b.url, 'POST', '/connectors', {
      name: 'snk',
      config: { 'connector.class': 'FileStreamSink', file: output, topics: topic, 'tasks.max': '2' },
    });
    expect(viaB.status).toBe(201);

    const spread = await eventually('three tasks running on two workers', async () => {
      const src = (await rest(b.url, 'GET', '/connectors/src/status')).body as Status;
      const snk = (await rest(a.url, 'GET', '/connectors/snk/status')).body as Status;
      const tasks = [...src.tasks, ...snk.tasks];
      return tasks.length === 3 && tasks.every((t) => t.state === 'RUNNING') ? tasks : undefined;
    });
    expect(new Set(spread.map((t) => t.worker_id))).toEqual(
      new Set([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]),
    );
    await eventually(
      'first 500 lines written',
      async () => readFileSync(output, 'utf8').trimEnd().split('\n').length >= 500,
    );

    await b.kill('SIGKILL');
    const killedAt = Date.now();
    appendFileSync(input, `${lines(500, 1000).join('\n')}\n`);
    await eventually(
      'every task on the surviving worker',
      async () => {
        const src = (await rest(a.url, 'GET', '/connectors/src/status')).body as Status;
        const snk = (await rest(a.url, 'GET', '/connectors/snk/status')).body as Status;
        return [...src.tasks, ...snk.tasks].every(
          (t) => t.state === 'RUNNING' && t.worker_id === `127.0.0.1:${a.port}`,
        );
      },
      60_000,
    );
    // session.timeout.ms is 6 s in these workers: the move happens within a few heartbeats of it.
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    await eventually(
      'all 1000 lines present (at-least-once: duplicates allowed, loss not)',
      async () => {
        const out = new Set(readFileSync(output, 'utf8').trimEnd().split('\n'));
        return lines(0, 1000).every((l) => out.has(l));
      },
      60_000,
    );
  });
});
