import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin, createProducer } from '@msa-sync/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type ClusterSettings,
  clusterSettings,
  eventually,
  freePort,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { root, uniqueName } from '../support/run-process.js';
import { headerText, readTopic } from '../support/topic-reader.js';

const BASIC_AUTH_EXTENSION =
  'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension';
const bootstrap = () => inject('kafkaBootstrap');
/** `${inner}`: a config provider reference, as a connector config carries it. */
const ref = (inner: string) => `$\{${inner}}`;

/** An IPv4 address of this machine that is not loopback (what `hostname -I` lists first). */
function externalAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  if (!address) throw new Error('this machine has no non-loopback IPv4 address to test binding with');
  return address;
}

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

/** Apache's shape: a JAAS file whose KafkaConnect entry names PropertyFileLoginModule's credentials file. */
function basicAuthFiles(dir: string, users: string): { jaas: string } {
  const credentials = join(dir, 'credentials.properties');
  writeFileSync(credentials, users);
  const jaas = join(dir, 'connect_jaas.conf');
  writeFileSync(
    jaas,
    `KafkaConnect {\n  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n  file="${credentials}";\n};\n`,
  );
  return { jaas };
}

/** Runs the worker binary on a properties map that must be refused; returns exit code and output. */
async function refusedStart(extra: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'msa-refused-'));
  const properties = join(dir, 'worker.properties');
  const id = uniqueName('refused');
  writeFileSync(
    properties,
    Object.entries({
      'bootstrap.servers': bootstrap(),
      'group.id': `${id}-group`,
      'config.storage.topic': `${id}-configs`,
      'offset.storage.topic': `${id}-offsets`,
      'status.storage.topic': `${id}-status`,
      ...extra,
    })
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const child = spawn(
    process.execPath,
    [join(root, 'packages/connect/dist/bin/connect-main.js'), properties],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d) => {
    output += String(d);
  });
  child.stderr.on('data', (d) => {
    output += String(d);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, output };
}

/** A raw HTTP GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(port: number, host: string, path = '/connectors') {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let text = '';
      res.on('data', (d) => {
        text += String(d);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('Connect REST: listeners and start-up refusals (real worker processes)', () => {
  it('ships listeners=HTTP://127.0.0.1:8083', () => {
    const shipped = readFileSync(join(root, 'config/connect-distributed.properties'), 'utf8');
    expect(shipped).toMatch(/^listeners=HTTP:\/\/127\.0\.0\.1:8083$/m);
  });

  it('refuses to listen beyond loopback without authentication, naming the setting', async () => {
    const port = await freePort();
    for (const listeners of [
      `HTTP://:${port}`,
      `HTTP://0.0.0.0:${port}`,
      `HTTP://${externalAddress()}:${port}`,
    ]) {
      const { code, output } = await refusedStart({ listeners });
      expect(code).toBe(1);
      expect(output).toContain(`listeners=${listeners}`);
      expect(output).toMatch(/beyond loopback .* without authentication/);
      expect(output).toContain('rest.extension.classes');
    }
  });

  it('refuses an unknown rest.extension.classes, and the Basic extension without a JAAS file', async () => {
    const unknown = await refusedStart({ 'rest.extension.classes': 'com.example.MyRestExtension' });
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('rest.extension.classes names com.example.MyRestExtension');
    const noJaas = await refusedStart({ 'rest.extension.classes': BASIC_AUTH_EXTENSION });
    expect(noJaas.code).toBe(1);
    expect(noJaas.output).toContain('java.security.auth.login.config');
  });

  it('refuses an unknown config provider class or parameter', async () => {
    const unknownClass = await refusedStart({
      'config.providers': 'vault',
      'config.providers.vault.class': 'com.example.VaultConfigProvider',
    });
    expect(unknownClass.code).toBe(1);
    expect(unknownClass.output).toContain('config.providers.vault.class=com.example.VaultConfigProvider');
    const unknownParam = await refusedStart({
      'config.providers': 'file',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'config.providers.file.param.nope': 'x',
    });
    expect(unknownParam.code).toBe(1);
    expect(unknownParam.output).toContain('config.providers.file.param.nope');
  });
});

describe('Connect REST: authentication beyond loopback (real worker on a non-loopback address)', () => {
  let worker: WorkerProcess;
  const dir = mkdtempSync(join(tmpdir(), 'msa-auth-'));
  const token = `tok-${uniqueName('bearer')}-0123456789`;

  beforeAll(async () => {
    const { jaas } = basicAuthFiles(dir, 'alice: alice-secret-1\nbob=bob-secret-2\n');
    writeFileSync(join(dir, 'token'), `${token}\n`);
    const host = externalAddress();
    worker = await startWorker(
      clusterSettings(bootstrap(), uniqueName('auth'), {
        'rest.extension.classes': BASIC_AUTH_EXTENSION,
        'java.security.auth.login.config': jaas,
        'rest.auth.bearer.token.file': join(dir, 'token'),
        'rest.advertised.host.name': host,
      }),
      undefined,
      { host, headers: basic('alice', 'alice-secret-1') },
    );
  });
  afterAll(async () => {
    await worker?.kill();
  });

  it('answers 401 with WWW-Authenticate and a JSON body without or with wrong credentials', async () => {
    for (const headers of [
      {},
      basic('alice', 'wrong'),
      basic('mallory', 'alice-secret-1'),
      { authorization: 'Bearer not-the-token' },
      { authorization: `Basic ${Buffer.from('alice').toString('base64')}` },
    ]) {
      const answer = await rest(worker.url, 'GET', '/connectors', undefined, headers);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error_code: 401 });
      expect(answer.headers.get('www-authenticate')).toMatch(/Basic realm=.*Bearer realm=/);
    }
    const root = await rest(worker.url, 'GET', '/');
    expect(root.status).toBe(401);
  });

  it('answers 200 to the right Basic credentials (either user) and to the bearer token', async () => {
    expect(
      (await rest(worker.url, 'GET', '/connectors', undefined, basic('alice', 'alice-secret-1'))).status,
    ).toBe(200);
    expect(
      (await rest(worker.url, 'GET', '/connectors', undefined, basic('bob', 'bob-secret-2'))).status,
    ).toBe(200);
    const bearer = await rest(worker.url, 'GET', '/', undefined, { authorization: `Bearer ${token}` });
    expect(bearer.status).toBe(200);
    expect(bearer.body).toMatchObject({ version: expect.any(String) });
  });
});

describe('Connect REST: leader forwarding with authentication on (two real workers)', () => {
  const workers: WorkerProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'msa-auth-pair-'));
  const auth = basic('ops', 'ops-secret-pair');

  beforeAll(async () => {
    const { jaas } = basicAuthFiles(dir, 'ops: ops-secret-pair\n');
    const cluster: ClusterSettings = clusterSettings(bootstrap(), uniqueName('auth-pair'), {
      'rest.extension.classes': BASIC_AUTH_EXTENSION,
      'java.security.auth.login.config': jaas,
    });
    workers.push(await startWorker(cluster, undefined, { headers: auth }));
    workers.push(await startWorker(cluster, undefined, { headers: auth }));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
  });

  it('creates connectors through either worker: the follower forwards the caller’s credentials', async () => {
    const names = workers.map((_, i) => `auth-sink-${i}`);
    for (const [i, worker] of workers.entries()) {
      const config = {
        'connector.class': 'FileStreamSink',
        file: join(dir, `out-${i}.txt`),
        topics: uniqueName('t'),
      };
      expect((await rest(worker.url, 'POST', '/connectors', { name: names[i], config })).status).toBe(401);
      const created = await eventually(
        `connector ${names[i]} created through worker ${i}`,
        async () => {
          const answer = await rest(worker.url, 'POST', '/connectors', { name: names[i], config }, auth);
          // 409 while the pair still rebalances; anything else is final
          return answer.status === 409 && !/already exists/.test(JSON.stringify(answer.body))
            ? undefined
            : answer;
        },
        60_000,
        1000,
      );
      expect(created.status).toBe(201);
    }
    for (const worker of workers) {
      const list = await rest(worker.url, 'GET', '/connectors', undefined, auth);
      expect((list.body as string[]).sort()).toEqual(names);
      const restarted = await rest(worker.url, 'POST', `/connectors/${names[0]}/restart`, undefined, auth);
      expect(restarted.status).toBe(204);
    }
  });
});

describe('Connect REST on loopback: Host check, FileStream directories, config providers, secrets', () => {
  let worker: WorkerProcess;
  const base = mkdtempSync(join(tmpdir(), 'msa-secure-'));
  const allowed = join(base, 'allowed');
  const outside = join(base, 'outside');
  const secrets = join(base, 'secrets');
  const envSecret = `env-${uniqueName('pw')}`;
  const pgSecret = `pg-${uniqueName('secret')}`;
  let cluster: ClusterSettings;
  let database: TestDatabase;

  beforeAll(async () => {
    for (const d of [allowed, outside, secrets]) mkdirSync(d);
    symlinkSync(outside, join(allowed, 'escape'));
    database = await createTestDatabase('postgres', 'msa_secure');
    cluster = clusterSettings(bootstrap(), uniqueName('secure'), {
      'rest.advertised.host.name': 'connect.internal.example',
      'file.stream.allowed.dirs': allowed,
      'config.providers': 'file,directory,env',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'config.providers.file.param.allowed.paths': secrets,
      'config.providers.directory.class': 'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
      'config.providers.directory.param.allowed.paths': secrets,
      'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
      'config.providers.env.param.allowlist.pattern': 'MSA_I14C_.*',
    });
    // DEBUG: the log check below covers every line the worker writes.
    worker = await startWorker(cluster, undefined, {
      env: { MSA_I14C_SECRET: envSecret, MSA_LOG_LEVEL: 'DEBUG' },
    });
  });
  afterAll(async () => {
    await worker?.kill();
    await database?.drop();
  });

  it('is not reachable on a non-loopback address of this machine', async () => {
    expect(await tcpConnects('127.0.0.1', worker.port)).toBe(true);
    expect(await tcpConnects(externalAddress(), worker.port)).toBe(false);
  });

  it('answers only loopback names and rest.advertised.host.name (421 otherwise)', async () => {
    for (const host of [
      `localhost:${worker.port}`,
      `127.0.0.1:${worker.port}`,
      `[::1]:${worker.port}`,
      'connect.internal.example',
    ]) {
      expect((await getWithHost(worker.port, host)).status).toBe(200);
    }
    for (const host of [
      `evil.example:${worker.port}`,
      'evil.example',
      `localhost.evil.example:${worker.port}`,
      `localhost:${worker.port + 1}`,
    ]) {
      const answer = await getWithHost(worker.port, host);
      expect(answer.status).toBe(421);
      expect(answer.body).toMatchObject({
        error_code: 421,
        message: expect.stringContaining('rest.advertised.host.name'),
      });
    }
  });

  it('keeps FileStream files inside file.stream.allowed.dirs, after .. and symlinks', async () => {
    const ok = await rest(worker.url, 'POST', '/connectors', {
      name: 'fs-inside',
      config: {
        'connector.class': 'FileStreamSink',
        file: join(allowed, 'out.txt'),
        topics: uniqueName('fs'),
      },
    });
    expect(ok.status).toBe(201);
    for (const file of [
      '/etc/passwd',
      join(outside, 'x.txt'),
      `${allowed}/../outside/x.txt`,
      join(allowed, 'escape', 'x.txt'),
      'relative.txt',
    ]) {
      for (const cls of ['FileStreamSink', 'FileStreamSource']) {
        const refused = await rest(worker.url, 'POST', '/connectors', {
          name: uniqueName('fs-outside'),
          config: { 'connector.class': cls, file, topics: 't', topic: 't' },
        });
        expect(refused.status).toBe(400);
        expect((refused.body as { message: string }).message).toContain('file.stream.allowed.dirs');
      }
    }
    const validate = await rest(worker.url, 'PUT', '/connector-plugins/FileStreamSource/config/validate', {
      'connector.class': 'FileStreamSource',
      name: 'v',
      file: join(allowed, 'escape', 'secret.txt'),
      topic: 't',
    });
    const fileInfo = (
      validate.body as { configs: { value: { name: string; errors: string[] } }[] }
    ).configs.find((c) => c.value.name === 'file');
    expect(fileInfo?.value.errors.join()).toContain(`really ${join(outside, 'secret.txt')}`);
  });

  it('resolves file, directory and env references only when tasks start; connect-configs and REST keep the references', async () => {
    const topic = uniqueName('providers');
    const output = join(allowed, 'from-provider.txt');
    const input = join(allowed, 'in.txt');
    writeFileSync(input, 'one\ntwo\n');
    writeFileSync(join(secrets, 'sink.properties'), `out=${output}\n`);
    writeFileSync(join(secrets, 'topic'), topic);
    const sinkConfig = {
      'connector.class': 'FileStreamSink',
      file: ref(`file:${join(secrets, 'sink.properties')}:out`),
      topics: ref(`directory:${secrets}:topic`),
      // FileStreamSink has no password key (an undefined one would be refused): any key can hold a
      // reference, and this one's resolved value must stay out of connect-configs all the same.
      'errors.deadletterqueue.topic.name': ref('env:MSA_I14C_SECRET'),
    };
    const created = await rest(worker.url, 'POST', '/connectors', {
      name: 'provided-sink',
      config: sinkConfig,
    });
    expect(created.status).toBe(201);
    expect((created.body as { config: Record<string, string> }).config).toMatchObject(sinkConfig);
    const source = await rest(worker.url, 'POST', '/connectors', {
      name: 'provided-source',
      config: { 'connector.class': 'FileStreamSource', file: input, topic },
    });
    expect(source.status).toBe(201);

    await eventually('lines in the file the provider named', async () => {
      try {
        return readFileSync(output, 'utf8') === 'one\ntwo\n';
      } catch {
        return false;
      }
    });
    expect((await rest(worker.url, 'GET', '/connectors/provided-sink/config')).body).toEqual({
      ...sinkConfig,
      name: 'provided-sink',
    });
    const tasks = (await rest(worker.url, 'GET', '/connectors/provided-sink/tasks')).body as {
      config: Record<string, string>;
    }[];
    expect(tasks[0]?.config).toMatchObject(sinkConfig);

    const raw = (await readTopic(bootstrap(), cluster.configTopic)).map(
      (r) => r.value?.toString('utf8') ?? '',
    );
    const sinkRecords = raw.filter((v) => v.includes('from-provider') || v.includes('sink.properties'));
    expect(sinkRecords.length).toBeGreaterThanOrEqual(2); // the connector config and its task config
    for (const record of sinkRecords) {
      expect(record).toContain(ref('env:MSA_I14C_SECRET'));
      expect(record).toContain(ref('file:').slice(0, -1));
      expect(record).not.toContain(output);
    }
    expect(raw.join('\n')).not.toContain(envSecret);
  });

  it('refuses unknown providers, missing keys and references outside the allow-lists (400)', async () => {
    const cases: [string, string][] = [
      [ref('vault:secret/db:password'), "no config provider 'vault'"],
      [ref(`file:${join(secrets, 'sink.properties')}:nokey`), "has no key 'nokey'"],
      [ref('file:/etc/hostname:x'), 'allowed.paths'],
      [ref('env:HOME'), 'allowlist.pattern'],
      [ref(`directory:${secrets}:../sink.properties`), 'has no file'],
    ];
    for (const [reference, why] of cases) {
      const answer = await rest(worker.url, 'POST', '/connectors', {
        name: uniqueName('bad-ref'),
        config: {
          'connector.class': 'FileStreamSink',
          file: join(allowed, 'x.txt'),
          topics: 't',
          'errors.deadletterqueue.topic.name': reference,
        },
      });
      expect(answer.status).toBe(400);
      expect((answer.body as { message: string }).message).toContain(why);
    }
  });

  it('never shows a PASSWORD value: REST answers [hidden], the worker log never has it', async () => {
    const name = 'secret-jdbc-sink';
    const config = {
      'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
      'connection.url': database.url,
      'connection.user': 'postgres',
      'connection.password': pgSecret,
      topics: uniqueName('secret-topic'),
      'auto.create': 'true',
    };
    const created = await rest(worker.url, 'POST', '/connectors', { name, config });
    expect(created.status).toBe(201);
    await eventually('task configs', async () => {
      const t = await rest(worker.url, 'GET', `/connectors/${name}/tasks`);
      return (t.body as unknown[]).length > 0;
    });
    const answers = [
      created,
      await rest(worker.url, 'GET', `/connectors/${name}`),
      await rest(worker.url, 'GET', `/connectors/${name}/config`),
      await rest(worker.url, 'GET', `/connectors/${name}/tasks`),
      await rest(worker.url, 'GET', '/connectors?expand=info&expand=status'),
      await rest(worker.url, 'GET', `/connectors/${name}/status`),
      await rest(worker.url, 'PUT', '/connector-plugins/JdbcSinkConnector/config/validate', {
        ...config,
        name,
      }),
    ];
    for (const answer of answers) {
      const text = JSON.stringify(answer.body);
      expect(text).not.toContain(pgSecret);
    }
    const current = (answers[2]?.body ?? {}) as Record<string, string>;
    expect(current['connection.password']).toBe('[hidden]');

    // GET, change something else, PUT back: '[hidden]' keeps the stored password.
    const updated = await rest(worker.url, 'PUT', `/connectors/${name}/config`, {
      ...current,
      'batch.size': '500',
    });
    expect(updated.status).toBe(200);
    const stored = (await readTopic(bootstrap(), cluster.configTopic))
      .map((r) => r.value?.toString('utf8') ?? '')
      .filter((v) => v.includes('"batch.size":"500"'));
    expect(stored.at(-1)).toContain(pgSecret);
    const status = await eventually('the sink running after the PUT', async () => {
      const s = (await rest(worker.url, 'GET', `/connectors/${name}/status`)).body as {
        tasks: { state: string }[];
      };
      return s.tasks[0]?.state === 'RUNNING' ? s : undefined;
    });
    expect(status.tasks).toHaveLength(1);

    const fresh = await rest(worker.url, 'POST', '/connectors', {
      name: uniqueName('hidden-new'),
      config: { ...config, 'connection.password': '[hidden]' },
    });
    expect(fresh.status).toBe(400);

    const log = readFileSync(worker.logFile, 'utf8');
    expect(log).toContain(name);
    expect(log).not.toContain(pgSecret);
    expect(log).not.toContain(envSecret);
  });

  it('keeps a secret out of status traces and DLQ headers even when an error quotes it', async () => {
    // The converter's error quotes the unknown schema type, here the secret.
    const secret = `leak-${uniqueName('s')}`;
    const topic = uniqueName('secret-records');
    const dlq = uniqueName('secret-dlq');
    const admin = createAdmin({ bootstrapServers: [bootstrap()], clientId: 'secret-admin' });
    const producer = createProducer({ bootstrapServers: [bootstrap()], clientId: 'secret-producer' });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
      const value = JSON.stringify({ schema: { type: secret }, payload: 1 });
      await producer.send({ messages: [{ topic, partition: 0, value: Buffer.from(value) }] });
    } finally {
      await admin.close();
      await producer.close();
    }
    const sink = (name: string, extra: Record<string, string>) =>
      rest(worker.url, 'POST', '/connectors', {
        name,
        config: {
          // A JDBC sink, for its PASSWORD key; the record fails in the converter, before any write.
          'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
          'connection.url': database.url,
          'connection.user': 'postgres',
          'connection.password': secret,
          topics: topic,
          ...extra,
        },
      });
    const strict = uniqueName('secret-strict');
    const tolerant = uniqueName('secret-tolerant');
    expect((await sink(strict, { 'errors.tolerance': 'none' })).status).toBe(201);
    expect(
      (
        await sink(tolerant, {
          'errors.tolerance': 'all',
          'errors.log.enable': 'true',
          'errors.log.include.messages': 'false',
          'errors.deadletterqueue.topic.name': dlq,
          'errors.deadletterqueue.topic.replication.factor': '1',
          'errors.deadletterqueue.context.headers.enable': 'true',
        })
      ).status,
    ).toBe(201);

    const failed = await eventually(
      'the strict task FAILED',
      async () => {
        const s = (await rest(worker.url, 'GET', `/connectors/${strict}/status`)).body as {
          tasks: { state: string; trace?: string }[];
        };
        return s.tasks[0]?.state === 'FAILED' ? s.tasks[0] : undefined;
      },
      45_000,
    );
    expect(failed.trace).toContain('VALUE_CONVERTER');
    expect(failed.trace).toContain('[hidden]');
    expect(failed.trace).not.toContain(secret);

    const [record] = await eventually(
      'the record in the dead letter queue',
      async () => {
        const records = await readTopic(bootstrap(), dlq, 5000).catch(() => []);
        return records.length > 0 ? records : undefined;
      },
      45_000,
      1000,
    );
    const headers = headerText(record as NonNullable<typeof record>);
    expect(headers['__connect.errors.stage']).toBe('VALUE_CONVERTER');
    expect(headers['__connect.errors.exception.stacktrace']).toContain('[hidden]');
    expect(JSON.stringify(headers)).not.toContain(secret);
    expect(readFileSync(worker.logFile, 'utf8')).not.toContain(secret);
  });
});
