import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clusterSettings, eventually, startWorker, type WorkerProcess } from '../support/connect-worker.js';
import { runCli, uniqueName } from '../support/run-process.js';

describe('msa-sync connectors / connect (real worker)', () => {
  let worker: WorkerProcess;
  beforeAll(async () => {
    worker = await startWorker(clusterSettings(inject('kafkaBootstrap'), uniqueName('cli-conn')));
  });
  afterAll(async () => {
    await worker?.kill();
  });

  it('creates, lists, inspects, pauses, resumes, restarts and deletes a connector', async () => {
    const url = ['--connect-url', worker.url];
    const file = join(mkdtempSync(join(tmpdir(), 'msa-cli-')), 'out.txt');
    const body = JSON.stringify({
      name: 'cli-sink',
      config: { 'connector.class': 'FileStreamSink', file, topics: uniqueName('t') },
    });
    const create = await runCli(['connectors', 'create', '-', ...url], { input: body });
    expect(create.stderr).toBe('');
    expect(create.code).toBe(0);
    expect(JSON.parse(create.stdout)).toMatchObject({ name: 'cli-sink', type: 'sink' });

    const list = await runCli(['connectors', 'list', ...url]);
    expect(JSON.parse(list.stdout)).toEqual(['cli-sink']);
    await eventually('RUNNING', async () => {
      const status = await runCli(['connectors', 'status', 'cli-sink', ...url]);
      return JSON.parse(status.stdout).tasks[0]?.state === 'RUNNING';
    });
    expect((await runCli(['connectors', 'pause', 'cli-sink', ...url])).code).toBe(0);
    await eventually('PAUSED', async () => {
      const status = await runCli(['connectors', 'status', 'cli-sink', ...url]);
      return JSON.parse(status.stdout).connector.state === 'PAUSED';
    });
    expect((await runCli(['connectors', 'resume', 'cli-sink', ...url])).code).toBe(0);
    const restart = await runCli(['connectors', 'restart', 'cli-sink', '--include-tasks', ...url]);
    expect(restart.code).toBe(0);
    expect(JSON.parse(restart.stdout).connector.state).toBe('RESTARTING');
    const config = await runCli(['connectors', 'config', 'cli-sink', ...url]);
    expect(JSON.parse(config.stdout)).toMatchObject({ name: 'cli-sink', file });

    const missing = await runCli(['connectors', 'status', 'nope', ...url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('404: No status found for connector nope');
    const noName = await runCli(['connectors', 'status', ...url]);
    expect(noName.code).toBe(2);
    const badJson = await runCli(['connectors', 'create', '-', ...url], { input: '{nope' });
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toContain('is not JSON');

    expect((await runCli(['connectors', 'delete', 'cli-sink', ...url])).code).toBe(0);
    expect(JSON.parse((await runCli(['connectors', 'list', ...url])).stdout)).toEqual([]);
  }, 180_000); // ~13 s alone; over 60 s once beside both fault suites on 2 cores

  it('explains an unreachable REST API and an unreadable worker file', async () => {
    const down = await runCli(['connectors', 'list', '--connect-url', 'http://127.0.0.1:1']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Cannot reach the Connect REST API at http://127.0.0.1:1');
    const noFile = await runCli(['connect', '/nonexistent/worker.properties']);
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toContain('Cannot read worker properties /nonexistent/worker.properties');
  });
});
