import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';
import { readTopic } from '../support/topic-reader.js';

/**
 * The worker's own broker connections, from `ss -tnp`: local ports of TCP sockets to the broker
 * owned by this pid. Nothing else (the shared broker, other tests' workers) is touched.
 */
function brokerSockets(pid: number, brokerPort: number): number[] {
  const out = execFileSync('ss', ['-tnpH', 'state', 'established', 'dst', `127.0.0.1:${brokerPort}`], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => Number(/127\.0\.0\.1:(\d+)\s+127\.0\.0\.1:\d+/.exec(line)?.[1]))
    .filter((port) => Number.isInteger(port));
}

/** Aborts those sockets in the kernel (`ss -K`): the worker sees ECONNABORTED, the broker a reset. */
function resetSockets(localPorts: number[]): void {
  for (const port of localPorts)
    execFileSync('ss', ['-K', '-tn', 'sport', '=', `:${port}`], { stdio: 'ignore' });
}

/**
 * Issue 14: a reset of the group member's raw coordinator connection was an unheard 'error' event
 * and ended the worker. Every broker socket of a real worker (group member, config/offset/status
 * logs, the source task's producer) is reset three times; the worker must keep answering REST,
 * rejoin its group and keep copying records.
 */
describe('worker survives broker socket resets (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const brokerPort = Number(bootstrap.split(':').at(-1));
  const id = uniqueName('sockreset');
  const file = join(mkdtempSync(join(tmpdir(), 'msa-sockreset-')), 'in.txt');
  const topic = `${id}-out`;
  const name = `${id}-source`;
  let worker: WorkerProcess;

  beforeAll(async () => {
    writeFileSync(file, 'one\ntwo\n');
    worker = await startWorker(clusterSettings(bootstrap, id));
    const created = await rest(worker.url, 'POST', '/connectors', {
      name,
      config: {
        'connector.class': 'FileStreamSource',
        file,
        topic,
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      },
    });
    expect(created.status).toBe(201);
    await eventually('2 records', async () => (await readTopic(bootstrap, topic, 5000)).length === 2, 60_000);
  }, 120_000);

  afterAll(async () => {
    await worker?.kill();
  });

  it('keeps serving REST, rejoins and keeps copying after every broker socket is reset', async () => {
    const pid = worker.child.pid as number;
    for (let round = 1; round <= 3; round++) {
      const sockets = brokerSockets(pid, brokerPort);
      expect(sockets.length, `round ${round}: the worker has broker connections`).toBeGreaterThan(0);
      resetSockets(sockets);
      // REST answers at once, while the clients reconnect.
      expect((await rest(worker.url, 'GET', '/')).status).toBe(200);
      appendFileSync(file, `after-reset-${round}\n`);
      await eventually(
        `record of round ${round}`,
        async () =>
          (await readTopic(bootstrap, topic, 5000)).some(
            (r) => r.value?.toString() === `after-reset-${round}`,
          ),
        60_000,
      );
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(worker.child.exitCode).toBeNull();
    expect(worker.child.signalCode).toBeNull();
    const status = (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as {
      connector: { state: string };
      tasks: { state: string }[];
    };
    expect(status.connector.state).toBe('RUNNING');
    expect(status.tasks.map((t) => t.state)).toEqual(['RUNNING']);
    // The herder still works through its group: a new connector is created and assigned.
    const second = await rest(worker.url, 'POST', '/connectors', {
      name: `${id}-second`,
      config: { 'connector.class': 'FileStreamSource', file, topic: `${id}-second-out` },
    });
    expect(second.status).toBe(201);
    await eventually('second connector RUNNING', async () => {
      const s = (await rest(worker.url, 'GET', `/connectors/${id}-second/status`)).body as {
        connector?: { state: string };
      };
      return s.connector?.state === 'RUNNING';
    });
    // The group member saw its coordinator connection fail and recovered: logged, not fatal.
    const log = readFileSync(worker.logFile, 'utf8');
    expect(log).toMatch(/group coordinator connection error/);
    // ...and no error reached the process's last-resort handlers.
    expect(log).not.toMatch(/Uncaught exception|Unhandled promise rejection/);
  }, 240_000);
});
