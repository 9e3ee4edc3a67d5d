import { mkdtempSync } from 'node:fs';
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

type Info = { name: string; config: Record<string, string>; tasks: { connector: string; task: number }[] };

/**
 * Reads are answered from each worker's in-memory view of the config topic; these check that a
 * write is still seen by the reads that follow it: at once on the worker that took the request
 * (whether it wrote it as leader or forwarded it), and soon after on every other worker.
 */
describe('REST reads after writes (real broker, two workers)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const dir = mkdtempSync(join(tmpdir(), 'msa-ryw-'));
  const topic = uniqueName('ryw');
  let first: WorkerProcess | undefined;
  let second: WorkerProcess | undefined;
  const url = (i: 0 | 1): string => {
    const worker = i === 0 ? first : second;
    if (!worker) throw new Error(`worker ${i} did not start`);
    return worker.url;
  };

  beforeAll(async () => {
    const cluster = clusterSettings(bootstrap, uniqueName('ryw'));
    // One after the other: the first is the leader, so one creation below is written by the
    // worker that took it and the other is forwarded to the leader.
    first = await startWorker(cluster);
    second = await startWorker(cluster);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([first?.kill(), second?.kill()]);
  });

  const sink = (name: string) => ({
    'connector.class': 'FileStreamSink',
    'tasks.max': '1',
    topics: topic,
    file: join(dir, `${name}.txt`),
  });

  for (const [taker, other] of [
    [0, 1],
    [1, 0],
  ] as const) {
    it(`a connector created through worker ${taker} is found there at once, and on worker ${other} soon after`, async () => {
      const name = uniqueName(`ryw-${taker}`);
      const created = await rest(url(taker), 'POST', '/connectors', { name, config: sink(name) });
      expect(created.status).toBe(201);

      const [info, config, status, list] = await Promise.all([
        rest(url(taker), 'GET', `/connectors/${name}`),
        rest(url(taker), 'GET', `/connectors/${name}/config`),
        rest(url(taker), 'GET', `/connectors/${name}/status`),
        rest(url(taker), 'GET', '/connectors?expand=info'),
      ]);
      expect(info.status).toBe(200);
      expect((info.body as Info).config.file).toBe(join(dir, `${name}.txt`));
      expect(config.status).toBe(200);
      expect((config.body as Record<string, string>).topics).toBe(topic);
      // Statuses are eventually consistent (as in Connect), but the connector is known.
      expect(status.status).toBe(200);
      if (taker === 0) expect(Object.keys(list.body as object)).toContain(name);

      await eventually(`${name} listed with its info on worker ${other}`, async () => {
        const listed = await rest(url(other), 'GET', '/connectors?expand=info');
        const entry = (listed.body as Record<string, { info: Info }>)[name];
        return entry?.info.config.topics === topic;
      });
      await eventually(`${name} RUNNING as seen from worker ${other}`, async () => {
        const seen = await rest(url(other), 'GET', `/connectors/${name}/status`);
        const body = seen.body as { connector: { state: string }; tasks: { state: string }[] };
        return body.connector?.state === 'RUNNING' && body.tasks[0]?.state === 'RUNNING';
      });
    });
  }

  it('a config change written by the leader is read back there at once, and a deletion ends in 404 everywhere', async () => {
    const name = uniqueName('ryw-update');
    const leader = { url: url(0) };
    expect((await rest(leader.url, 'POST', '/connectors', { name, config: sink(name) })).status).toBe(201);
    const changed = { ...sink(name), file: join(dir, `${name}-2.txt`) };
    expect((await rest(leader.url, 'PUT', `/connectors/${name}/config`, changed)).status).toBe(200);
    const config = await rest(leader.url, 'GET', `/connectors/${name}/config`);
    expect((config.body as Record<string, string>).file).toBe(join(dir, `${name}-2.txt`));
    await eventually('the change seen by worker 1', async () => {
      const seen = await rest(url(1), 'GET', `/connectors/${name}/config`);
      return (seen.body as Record<string, string>).file === join(dir, `${name}-2.txt`);
    });

    expect((await rest(leader.url, 'DELETE', `/connectors/${name}`)).status).toBe(204);
    expect((await rest(leader.url, 'GET', `/connectors/${name}`)).status).toBe(404);
    await eventually('the deletion seen by worker 1', async () => {
      const seen = await rest(url(1), 'GET', `/connectors/${name}`);
      return seen.status === 404;
    });
  });
});
