import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
 * A connector config change restarts each task once, when the connector's new task configs are
 * committed, as Apache Connect does. Before, the task restarted first with its old task config and
 * the new connector config, then again with the new task config.
 */
describe('a connector config change (real broker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  let worker: WorkerProcess;
  const dir = mkdtempSync(join(tmpdir(), 'msa-config-change-'));

  beforeAll(async () => {
    worker = await startWorker(clusterSettings(bootstrap, uniqueName('config-change')));
  });
  afterAll(async () => {
    await worker?.kill();
  });

  /** The worker's log lines about `connector`'s task 0 with this message. */
  const taskLines = (connector: string, msg: string) =>
    readFileSync(worker.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes(`"msg":"${msg}"`) && line.includes(`"connector":"${connector}"`))
      .length;

  it('restarts the task once, and the task then runs with the new config', async () => {
    const name = uniqueName('file-source');
    const input = join(dir, 'input.txt');
    const before = uniqueName('before');
    const after = uniqueName('after');
    writeFileSync(input, 'one\ntwo\n');
    const config = { 'connector.class': 'FileStreamSource', file: input, topic: before, 'tasks.max': '1' };
    expect((await rest(worker.url, 'POST', '/connectors', { name, config })).status).toBe(201);
    await eventually('the two lines in the first topic', async () =>
      (await readTopic(bootstrap, before).catch(() => [])).length === 2 ? true : undefined,
    );
    expect(taskLines(name, 'starting task')).toBe(1);

    const put = await rest(worker.url, 'PUT', `/connectors/${name}/config`, { ...config, topic: after });
    expect(put.status).toBe(200);
    await eventually('the task started with the new config', async () =>
      taskLines(name, 'starting task') >= 2 ? true : undefined,
    );
    // Time for a second restart, if there were one, before the line that must reach the new topic.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    writeFileSync(input, 'one\ntwo\nthree\n');
    const moved = await eventually('the new line in the new topic', async () => {
      const records = await readTopic(bootstrap, after).catch(() => []);
      return records.length > 0 ? records : undefined;
    });
    // JsonConverter with schemas: {"schema":…,"payload":"three"}.
    expect(moved.map((r) => JSON.parse(r.value?.toString() ?? 'null').payload)).toEqual(['three']);
    await eventually('the task RUNNING', async () => {
      const s = await rest(worker.url, 'GET', `/connectors/${name}/status`);
      return (s.body as { tasks: { state: string }[] }).tasks[0]?.state === 'RUNNING' ? true : undefined;
    });
    // Started at the POST and once after the PUT; before the fix, twice after the PUT.
    expect(taskLines(name, 'starting task')).toBe(2);
    expect(taskLines(name, 'stopping task')).toBe(1);
  });
});
