import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The seed's sequence (POST /connectors, GET /connectors, GET .../status) with Apache's file connectors. */
describe('Connect worker with FileStream connectors (real broker)', () => {
  let worker: WorkerProcess;
  const dir = mkdtempSync(join(tmpdir(), 'msa-file-'));

  beforeAll(async () => {
    worker = await startWorker(clusterSettings(inject('kafkaBootstrap'), uniqueName('files')));
  });
  afterAll(async () => {
    await worker?.kill();
  });

  it('moves lines file → topic → file through a source and a sink connector', async () => {
    const topic = uniqueName('file-lines');
    const input = join(dir, 'input.txt');
    const output = join(dir, 'output.txt');
    writeFileSync(input, 'first line\nsecond line\n');

    const source = await rest(worker.url, 'POST', '/connectors', {
      name: 'file-source',
      config: { 'connector.class': 'FileStreamSource', file: input, topic, 'tasks.max': '1' },
    });
    expect(source.status).toBe(201);
    expect(source.body).toMatchObject({ name: 'file-source', type: 'source' });
    expect(source.headers.get('location')).toMatch(/\/connectors\/file-source$/);

    const sink = await rest(worker.url, 'POST', '/connectors', {
      name: 'file-sink',
      config: {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
        file: output,
        topics: topic,
      },
    });
    expect(sink.status).toBe(201);

    const list = await rest(worker.url, 'GET', '/connectors');
    expect(list.status).toBe(200);
    expect((list.body as string[]).sort()).toEqual(['file-sink', 'file-source']);

    const status = await eventually('both connectors and their tasks RUNNING', async () => {
      const s = await rest(worker.url, 'GET', '/connectors/file-source/status');
      const body = s.body as { connector: { state: string }; tasks: { state: string }[] };
      return body.connector.state === 'RUNNING' &&
        body.tasks.length === 1 &&
        body.tasks[0]?.state === 'RUNNING'
        ? body
        : undefined;
    });
    expect(status).toMatchObject({
      name: 'file-source',
      type: 'source',
      // Connect 4.x names the plugin's version in each state.
      connector: { state: 'RUNNING', worker_id: `127.0.0.1:${worker.port}`, version: '4.4.0' },
      tasks: [{ id: 0, state: 'RUNNING', worker_id: `127.0.0.1:${worker.port}`, version: '4.4.0' }],
    });

    await eventually(
      'the two lines in the output file',
      async () => existsSync(output) && readFileSync(output, 'utf8') === 'first line\nsecond line\n',
    );
    appendFileSync(input, 'third line\n');
    await eventually('the appended line', async () => readFileSync(output, 'utf8').endsWith('third line\n'));

    const topics = await rest(worker.url, 'GET', '/connectors/file-source/topics');
    expect(topics.body).toEqual({ 'file-source': { topics: [topic] } });

    const expanded = await rest(worker.url, 'GET', '/connectors?expand=status&expand=info');
    expect(expanded.body).toMatchObject({
      'file-sink': { info: { name: 'file-sink', type: 'sink' }, status: { connector: { state: 'RUNNING' } } },
    });
  });

  it('answers errors as Connect does: 409 duplicate, 404 unknown, 400 invalid config', async () => {
    const config = { 'connector.class': 'FileStreamSink', file: join(dir, 'dup.txt'), topics: 'dup-topic' };
    expect((await rest(worker.url, 'POST', '/connectors', { name: 'dup', config })).status).toBe(201);
    const again = await rest(worker.url, 'POST', '/connectors', { name: 'dup', config });
    expect(again).toMatchObject({
      status: 409,
      body: { error_code: 409, message: 'Connector dup already exists' },
    });

    // Connect's 404 texts differ by route; tools match on them.
    const notFound = async (method: string, path: string) => {
      const answer = await rest(worker.url, method, path);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(404);
      return (answer.body as { error_code: number; message: string }).message;
    };
    expect(await notFound('GET', '/connectors/nope')).toBe('Connector nope not found');
    expect(await notFound('GET', '/connectors/nope/status')).toBe('No status found for connector nope');
    expect(await notFound('GET', '/connectors/nope/tasks/0/status')).toBe('No status found for task nope-0');
    expect(await notFound('GET', '/connectors/dup/tasks/5/status')).toBe('No status found for task dup-5');
    expect(await notFound('POST', '/connectors/nope/restart')).toBe('Unknown connector: nope');
    expect(await notFound('POST', '/connectors/nope/tasks/0/restart')).toBe('Unknown connector: nope');
    expect(await notFound('POST', '/connectors/dup/tasks/5/restart')).toBe('Unknown task: dup-5');

    const invalid = await rest(worker.url, 'POST', '/connectors', {
      name: 'bad',
      config: { 'connector.class': 'FileStreamSink', 'tasks.max': 'many' },
    });
    expect(invalid.status).toBe(400);
    const message = (invalid.body as { message: string }).message;
    expect(message).toMatch(/contains the following 5 error\(s\)/);
    expect(message).toContain('tasks.max');
    expect(message).toContain('file');
    expect(message).toMatch(/topics/);

    const unknownClass = await rest(worker.url, 'POST', '/connectors', {
      name: 'bad2',
      config: { 'connector.class': 'com.example.Nope' },
    });
    expect(unknownClass.status).toBe(400);
    expect((unknownClass.body as { message: string }).message).toContain('com.example.Nope');

    const validate = await rest(
      worker.url,
      'PUT',
      '/connector-plugins/FileStreamSinkConnector/config/validate',
      {
        'connector.class': 'FileStreamSinkConnector',
        'tasks.max': '0',
        topics: 't',
      },
    );
    expect(validate.status).toBe(200);
    const infos = validate.body as {
      name: string;
      error_count: number;
      configs: { value: { name: string; errors: string[] } }[];
    };
    expect(infos).toMatchObject({ name: 'FileStreamSinkConnector', error_count: 3 });
    const errored = infos.configs.filter((c) => c.value.errors.length > 0).map((c) => c.value.name);
    expect(errored.sort()).toEqual(['file', 'name', 'tasks.max']);

    const plugins = await rest(worker.url, 'GET', '/connector-plugins');
    expect(plugins.body).toEqual(
      expect.arrayContaining([
        { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '4.4.0' },
      ]),
    );
    expect((await rest(worker.url, 'DELETE', '/connectors/dup')).status).toBe(204);
    expect((await rest(worker.url, 'GET', '/connectors/dup')).status).toBe(404);
  });

  it('pauses, resumes, stops and edits offsets of a stopped source', async () => {
    const topic = uniqueName('lifecycle');
    const input = join(dir, 'life.txt');
    writeFileSync(input, 'a\nb\n');
    const name = 'life';
    await rest(worker.url, 'POST', '/connectors', {
      name,
      config: { 'connector.class': 'FileStreamSource', file: input, topic },
    });
    const state = async () =>
      (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as {
        connector: { state: string };
        tasks: { state: string }[];
      };
    await eventually('RUNNING', async () => (await state()).tasks[0]?.state === 'RUNNING');

    expect((await rest(worker.url, 'PUT', `/connectors/${name}/pause`)).status).toBe(202);
    await eventually('PAUSED', async () => {
      const s = await state();
      return s.connector.state === 'PAUSED' && s.tasks[0]?.state === 'PAUSED';
    });
    expect((await rest(worker.url, 'PUT', `/connectors/${name}/resume`)).status).toBe(202);
    await eventually('RUNNING again', async () => (await state()).tasks[0]?.state === 'RUNNING');

    // Offsets can only change on a stopped connector.
    const early = await rest(worker.url, 'DELETE', `/connectors/${name}/offsets`);
    expect(early.status).toBe(400);
    expect((early.body as { message: string }).message).toContain('STOPPED');

    await eventually('offset of both lines flushed', async () => {
      const o = (await rest(worker.url, 'GET', `/connectors/${name}/offsets`)).body as {
        offsets: { offset: { position: number } }[];
      };
      return o.offsets[0]?.offset.position === 4;
    });
    expect((await rest(worker.url, 'PUT', `/connectors/${name}/stop`)).status).toBe(204);
    await eventually('STOPPED with no tasks', async () => {
      const s = await state();
      return s.connector.state === 'STOPPED' && s.tasks.length === 0;
    });
    const patch = await rest(worker.url, 'PATCH', `/connectors/${name}/offsets`, {
      offsets: [{ partition: { filename: input }, offset: { position: 2 } }],
    });
    expect(patch).toMatchObject({
      status: 200,
      body: { message: 'The offsets for this connector have been altered successfully' },
    });
    const after = (await rest(worker.url, 'GET', `/connectors/${name}/offsets`)).body;
    expect(after).toEqual({ offsets: [{ partition: { filename: input }, offset: { position: 2 } }] });
    const reset = await rest(worker.url, 'DELETE', `/connectors/${name}/offsets`);
    expect(reset.status).toBe(200);
    expect((await rest(worker.url, 'GET', `/connectors/${name}/offsets`)).body).toEqual({ offsets: [] });

    expect((await rest(worker.url, 'PUT', `/connectors/${name}/resume`)).status).toBe(202);
    await eventually('running after stop', async () => (await state()).tasks[0]?.state === 'RUNNING');
  });
});
