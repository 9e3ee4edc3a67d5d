import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
  type WorkerStartError,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';

/**
 * Issue 16, part 4: incremental cooperative rebalancing. Adding, reconfiguring and deleting one
 * connector does not stop the tasks of another; a worker joining gets its share by a two-phase
 * move (stopped on the old owner before it starts on the new one); a worker killed still has its
 * work taken over. Task starts and stops are read from the workers' logs ('starting task' /
 * 'stopping task', one line each time the worker starts or stops a task).
 */

type Status = {
  connector: { state: string; worker_id: string };
  tasks: { id: number; state: string; worker_id: string; trace?: string }[];
};

interface TaskEvent {
  worker: string;
  what: 'start' | 'stop';
  connector: string;
  task: number;
  time: number;
}

function taskEvents(worker: WorkerProcess): TaskEvent[] {
  return readFileSync(worker.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; connector?: string; task?: number; time?: number })
    .filter((l) => l.msg === 'starting task' || l.msg === 'stopping task')
    .map((l) => ({
      worker: worker.url,
      what: l.msg === 'starting task' ? 'start' : 'stop',
      connector: l.connector ?? '',
      task: l.task ?? -1,
      time: l.time ?? 0,
    }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('incremental cooperative rebalancing (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  });

  it('other connectors coming, changing and going never restart a running connector’s tasks; a killed worker’s tasks move', {
    timeout: 240_000,
  }, async () => {
    const run = uniqueName('coop');
    const cluster = clusterSettings(bootstrap, run);
    const dir = mkdtempSync(join(tmpdir(), 'msa-coop-'));
    const idle = join(dir, 'idle.txt');
    writeFileSync(idle, '');
    const sink = (file: string, tasks: number, extra: Record<string, string> = {}) => ({
      'connector.class': 'FileStreamSink',
      file: join(dir, file),
      topics: `${run}-lines`,
      'tasks.max': String(tasks),
      ...extra,
    });
    const running = async (via: WorkerProcess, name: string, count: number) =>
      eventually(
        `${name}: ${count} task(s) RUNNING`,
        async () => {
          const s = (await rest(via.url, 'GET', `/connectors/${name}/status`)).body as Status;
          const failed = s.tasks?.find((t) => t.state === 'FAILED');
          if (failed) throw new Error(`${name} task ${failed.id} FAILED: ${failed.trace}`);
          return s.tasks?.length === count && s.tasks.every((t) => t.state === 'RUNNING') ? s : undefined;
        },
        60_000,
      );
    const all = () => workers.flatMap(taskEvents);
    const of = (connector: string, events = all()) => events.filter((e) => e.connector === connector);

    const a = await startWorker(cluster);
    workers.push(a);
    expect(
      (await rest(a.url, 'POST', '/connectors', { name: 'keep', config: sink('keep.txt', 4) })).status,
    ).toBe(201);
    await running(a, 'keep', 4);
    expect(of('keep').filter((e) => e.what === 'start')).toHaveLength(4);

    // A second worker joins: it gets two of keep's four tasks, each only after a stopped it.
    const b = await startWorker(cluster);
    workers.push(b);
    const spread = await eventually(
      'keep spread over both workers',
      async () => {
        const s = await running(a, 'keep', 4);
        const onB = s.tasks.filter((t) => t.worker_id === `127.0.0.1:${b.port}`);
        return onB.length === 2 ? s : undefined;
      },
      60_000,
    );
    await sleep(2000);
    const afterJoin = of('keep');
    const startedOnB = afterJoin.filter((e) => e.worker === b.url && e.what === 'start');
    const stoppedOnA = afterJoin.filter((e) => e.worker === a.url && e.what === 'stop');
    expect(startedOnB.map((e) => e.task).sort()).toEqual(
      spread.tasks
        .filter((t) => t.worker_id === `127.0.0.1:${b.port}`)
        .map((t) => t.id)
        .sort(),
    );
    expect(stoppedOnA.map((e) => e.task).sort()).toEqual(startedOnB.map((e) => e.task).sort());
    for (const start of startedOnB) {
      const stop = stoppedOnA.find((e) => e.task === start.task) as TaskEvent;
      expect(stop.time, `keep-${start.task} stopped on a before it started on b`).toBeLessThanOrEqual(
        start.time,
      );
    }
    // The two tasks a kept were started once, never restarted.
    expect(afterJoin.filter((e) => e.worker === a.url && e.what === 'start')).toHaveLength(4);

    const keepBefore = afterJoin.length;
    // Another connector is created, reconfigured (task configs and count change) and deleted.
    expect(
      (await rest(b.url, 'POST', '/connectors', { name: 'other', config: sink('other.txt', 3) })).status,
    ).toBe(201);
    await running(a, 'other', 3);
    await sleep(2000);
    expect(of('keep')).toHaveLength(keepBefore);

    const otherStarts = of('other').filter((e) => e.what === 'start').length;
    const put = await rest(a.url, 'PUT', '/connectors/other/config', sink('other-2.txt', 2));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await running(a, 'other', 2);
    // Its own tasks did restart with the new file (the reconfiguration took effect).
    await eventually(
      'other restarted with its new config',
      async () => of('other').filter((e) => e.what === 'start').length >= otherStarts + 2,
    );
    await sleep(2000);
    expect(of('keep')).toHaveLength(keepBefore);

    expect((await rest(a.url, 'DELETE', '/connectors/other')).status).toBe(204);
    await eventually('other stopped everywhere', async () => {
      const events = of('other');
      const live = new Set<string>();
      for (const e of events.sort((x, y) => x.time - y.time)) {
        const k = `${e.worker}/${e.task}`;
        if (e.what === 'start') live.add(k);
        else live.delete(k);
      }
      return live.size === 0;
    });
    await sleep(2000);
    expect(of('keep')).toHaveLength(keepBefore);
    const status = (await rest(a.url, 'GET', '/connectors/keep/status')).body as Status;
    expect(status.tasks.map((t) => `${t.id}@${t.worker_id}:${t.state}`)).toEqual(
      spread.tasks.map((t) => `${t.id}@${t.worker_id}:RUNNING`),
    );

    // b is killed: its tasks move to a within a few session timeouts; a's own are not restarted.
    const onB = spread.tasks.filter((t) => t.worker_id === `127.0.0.1:${b.port}`).map((t) => t.id);
    await b.kill('SIGKILL');
    const killedAt = Date.now();
    await eventually(
      'keep entirely on a',
      async () => {
        const s = await running(a, 'keep', 4);
        return s.tasks.every((t) => t.worker_id === `127.0.0.1:${a.port}`);
      },
      60_000,
    );
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    const startsOnA = of('keep', taskEvents(a)).filter((e) => e.what === 'start');
    expect(
      startsOnA
        .slice(4)
        .map((e) => e.task)
        .sort(),
    ).toEqual(onB.sort());
    expect(of('keep', taskEvents(a)).filter((e) => e.what === 'stop')).toHaveLength(2);
  });

  it('refuses a worker whose connect.protocol differs from the group’s, loudly, at start', {
    timeout: 120_000,
  }, async () => {
    const cluster = clusterSettings(bootstrap, uniqueName('coop-mixed'));
    const cooperative = await startWorker(cluster);
    workers.push(cooperative);
    const started = Date.now();
    const eager = startWorker({ ...cluster, extra: { 'connect.protocol': 'eager' } });
    const error = await eager.then(
      (w) => {
        workers.push(w);
        return undefined;
      },
      (e: unknown) => e as WorkerStartError,
    );
    expect(error?.message).toMatch(/exited with 1 before it was ready/);
    // Refused by the broker at its first join, not after a join timeout.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(error?.message).toMatch(/last lines: .*speaks another rebalance protocol/);
    expect(readFileSync(error?.logFile ?? '', 'utf8')).toMatch(
      /speaks another rebalance protocol than msa-sync-v1/,
    );
    // The group goes on with its cooperative worker.
    expect((await rest(cooperative.url, 'GET', '/connectors')).status).toBe(200);
  });
});
