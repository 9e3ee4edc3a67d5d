import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { eventually, freePort, rest } from '../support/connect-worker.js';
import { kafkaBin, runProcess, uniqueName } from '../support/run-process.js';

const script = join(kafkaBin, 'connect-standalone.sh');

interface Standalone {
  child: ChildProcess;
  exited: Promise<number | null>;
  logFile: string;
}

/** Apache's command, unchanged: connect-standalone.sh worker.properties connector files... */
function startStandalone(dir: string, run: string, args: string[]): Standalone {
  const logFile = join(dir, `${run}.log`);
  const log = createWriteStream(logFile);
  const env: NodeJS.ProcessEnv = { ...process.env, MSA_LOG_LEVEL: process.env.MSA_LOG_LEVEL ?? 'INFO' };
  delete env.KAFKA_BOOTSTRAP_SERVERS;
  const child = spawn(script, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, logFile };
}

async function stopStandalone(worker: Standalone): Promise<number | null> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  return worker.exited;
}

async function running(url: string, name: string, tasks = 1): Promise<unknown> {
  return eventually(`${name} and its tasks RUNNING`, async () => {
    const s = await rest(url, 'GET', `/connectors/${name}/status`);
    const body = s.body as { connector?: { state: string }; tasks?: { state: string }[] };
    return body.connector?.state === 'RUNNING' &&
      body.tasks?.length === tasks &&
      body.tasks.every((t) => t.state === 'RUNNING')
      ? body
      : undefined;
  });
}

const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join('');

describe('connect-standalone.sh: standalone worker (real broker)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msa-standalone-'));
  const workers: Standalone[] = [];
  afterAll(async () => {
    await Promise.all(workers.map(stopStandalone));
  });

  it('runs a .properties source and a .json sink, and resumes the source from its offsets file after a restart', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const topic = uniqueName('standalone-lines');
    const input = join(dir, 'input.txt');
    const output = join(dir, 'output.txt');
    const offsets = join(dir, 'connect.offsets');
    writeFileSync(input, lines(1, 50));
    // Apache's config/connect-standalone.properties, with a relative offsets file as it ships.
    writeFileSync(
      join(dir, 'worker.properties'),
      [
        `bootstrap.servers=${inject('kafkaBootstrap')}`,
        'key.converter=org.apache.kafka.connect.json.JsonConverter',
        'value.converter=org.apache.kafka.connect.json.JsonConverter',
        'key.converter.schemas.enable=true',
        'value.converter.schemas.enable=true',
        'offset.storage.file.filename=connect.offsets',
        'offset.flush.interval.ms=500',
        `listeners=HTTP://127.0.0.1:${port}`,
        '#plugin.path=/usr/share/java',
      ].join('\n'),
    );
    const source = uniqueName('standalone-source');
    const sink = uniqueName('standalone-sink');
    writeFileSync(
      join(dir, 'source.properties'),
      `name=${source}\nconnector.class=FileStreamSource\ntasks.max=1\nfile=${input}\ntopic=${topic}\n`,
    );
    writeFileSync(
      join(dir, 'sink.json'),
      JSON.stringify({
        name: sink,
        config: { 'connector.class': 'FileStreamSink', 'tasks.max': 1, file: output, topics: topic },
      }),
    );
    const args = ['worker.properties', 'source.properties', 'sink.json'];

    const first = startStandalone(dir, 'first', args);
    workers.push(first);
    // Healthy only once the connectors of the files exist (503 "starting" before).
    const health = await eventually('GET /health 200', async () => {
      const h = await rest(url, 'GET', '/health').catch(() => undefined);
      return h?.status === 200 ? h : undefined;
    });
    expect(health.body).toEqual({
      status: 'healthy',
      message: 'Worker has completed startup and is ready to handle requests.',
    });
    expect(((await rest(url, 'GET', '/connectors')).body as string[]).sort()).toEqual([sink, source].sort());
    await running(url, source);
    await running(url, sink);
    const list = await rest(url, 'GET', '/connectors');
    expect((list.body as string[]).sort()).toEqual([sink, source].sort());
    const info = await rest(url, 'GET', `/connectors/${sink}`);
    expect(info.body).toMatchObject({ name: sink, type: 'sink', config: { name: sink, 'tasks.max': '1' } });
    await eventually(
      'the 50 lines in the output file',
      async () => readFileSync(output, 'utf8') === lines(1, 50),
      60_000,
    );
    await eventually(
      'the source offset in the offsets file',
      async () =>
        existsSync(offsets) && readFileSync(offsets, 'utf8').includes(`"position": ${lines(1, 50).length}`),
    );
    const stored = await rest(url, 'GET', `/connectors/${source}/offsets`);
    expect(stored.body).toEqual({
      offsets: [{ partition: { filename: input }, offset: { position: lines(1, 50).length } }],
    });
    expect(await stopStandalone(first)).toBe(0);

    // Lines written while no worker runs: the next one picks up exactly where the file says.
    appendFileSync(input, lines(51, 80));
    const second = startStandalone(dir, 'second', args);
    workers.push(second);
    await running(url, source);
    await running(url, sink);
    await eventually(
      'lines 51-80 after the restart',
      async () => readFileSync(output, 'utf8').endsWith(lines(80, 80)),
      60_000,
    );
    // Give a duplicate the time to show up, then require the exact content: no repeat, no gap.
    await new Promise((r) => setTimeout(r, 2000));
    expect(readFileSync(output, 'utf8')).toBe(lines(1, 80));

    // The offsets API on a stopped connector, as in Apache's standalone mode.
    expect((await rest(url, 'PATCH', `/connectors/${source}/offsets`, { offsets: [] })).status).toBe(400);
    expect((await rest(url, 'PUT', `/connectors/${source}/stop`)).status).toBe(204);
    const stopped = await rest(url, 'GET', `/connectors/${source}/status`);
    expect(stopped.body).toMatchObject({ connector: { state: 'STOPPED' }, tasks: [] });
    const altered = await rest(url, 'PATCH', `/connectors/${source}/offsets`, {
      offsets: [{ partition: { filename: input }, offset: { position: lines(1, 70).length } }],
    });
    expect(altered.status).toBe(200);
    expect(JSON.parse(readFileSync(offsets, 'utf8')).offsets).toEqual([
      { key: [source, { filename: input }], value: { position: lines(1, 70).length } },
    ]);
    expect((await rest(url, 'PUT', `/connectors/${source}/resume`)).status).toBe(202);
    await running(url, source);
    await eventually(
      'lines 71-80 again, read from the altered offset',
      async () => readFileSync(output, 'utf8') === lines(1, 80) + lines(71, 80),
    );

    // A new sink config restarts its task with it; the consumer group carries on where it was.
    const output2 = join(dir, 'output2.txt');
    const updated = await rest(url, 'PUT', `/connectors/${sink}/config`, {
      'connector.class': 'FileStreamSink',
      'tasks.max': '1',
      file: output2,
      topics: topic,
    });
    expect(updated.status).toBe(200);
    appendFileSync(input, lines(81, 85));
    await eventually(
      'lines 81-85 in the new sink file',
      async () => existsSync(output2) && readFileSync(output2, 'utf8') === lines(81, 85),
    );
    const restarted = await rest(url, 'POST', `/connectors/${sink}/restart?includeTasks=true`);
    expect(restarted.status).toBe(202);
    expect(restarted.body).toMatchObject({
      connector: { state: 'RESTARTING' },
      tasks: [{ state: 'RESTARTING' }],
    });
    await running(url, sink);
    expect((await rest(url, 'PUT', `/connectors/${sink}/pause`)).status).toBe(202);
    expect((await rest(url, 'GET', `/connectors/${sink}/status`)).body).toMatchObject({
      connector: { state: 'PAUSED' },
      tasks: [{ state: 'PAUSED' }],
    });

    expect((await rest(url, 'DELETE', `/connectors/${sink}`)).status).toBe(204);
    expect((await rest(url, 'GET', `/connectors/${sink}/status`)).status).toBe(404);
    expect(await stopStandalone(second)).toBe(0);
  });

  it('exits 1 naming a connector file it cannot use, before any connector starts', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      '{"name": "broken", "config": {"connector.class": "FileStreamSource"}, "initial_state": "GONE"}',
    );
    writeFileSync(join(dir, 'nameless.properties'), 'connector.class=FileStreamSource\n');
    writeFileSync(
      join(dir, 'plain.properties'),
      `bootstrap.servers=${inject('kafkaBootstrap')}\noffset.storage.file.filename=${join(dir, 'x.offsets')}\nlisteners=HTTP://127.0.0.1:${await freePort()}\n`,
    );
    const badJson = await runProcess(script, [join(dir, 'plain.properties'), bad]);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toContain(
      `Connector configuration at '${bad}' is not a connector configuration: Invalid initial_state 'GONE'`,
    );
    const nameless = await runProcess(script, [
      join(dir, 'plain.properties'),
      join(dir, 'nameless.properties'),
    ]);
    expect(nameless.code).toBe(1);
    expect(nameless.stderr).toContain(
      `'${join(dir, 'nameless.properties')}' is missing the mandatory 'name' configuration`,
    );
    const missing = await runProcess(script, [join(dir, 'plain.properties'), join(dir, 'absent.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Cannot read connector configuration ${join(dir, 'absent.json')}`);
  });

  it('exits 1 naming the file when the worker refuses a connector config, and refuses distributed-only keys', async () => {
    const port = await freePort();
    writeFileSync(
      join(dir, 'w2.properties'),
      `bootstrap.servers=${inject('kafkaBootstrap')}\noffset.storage.file.filename=${join(dir, 'w2.offsets')}\nlisteners=HTTP://127.0.0.1:${port}\n`,
    );
    const invalid = join(dir, 'invalid.properties');
    writeFileSync(invalid, 'name=invalid\nconnector.class=FileStreamSource\ntasks.max=0\n');
    const refused = await runProcess(script, [join(dir, 'w2.properties'), invalid]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `Failed to create connector invalid from ${invalid}: [\\s\\S]*Invalid value 0 for configuration tasks\\.max`,
      ),
    );

    writeFileSync(
      join(dir, 'w3.properties'),
      `${readFileSync(join(dir, 'w2.properties'), 'utf8')}group.id=connect-cluster\n`,
    );
    const distributed = await runProcess(script, [join(dir, 'w3.properties')]);
    expect(distributed.code).toBe(1);
    expect(distributed.stderr).toContain(
      'group.id: distributed-mode setting a standalone worker does not use',
    );
  });
});
