import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtInPlugins } from '../bin/built-in-plugins.js';
import { configErrorsMessage, validateConnectorConfig } from '../config/index.js';
import type {
  ConfigInfos,
  ConfigKeyInfo,
  ConnectorConfig,
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorStateInfo,
  PluginInfo,
  RestartRequest,
  TargetState,
  TaskInfo,
  TaskStateInfo,
} from '../entities.js';
import { alreadyExists, badRequest, ConnectError, connectorNotFound } from '../errors/connect-error.js';
import type { Herder } from '../herder/herder.js';
import { pluginConfigKeys } from '../herder/plugin-config.js';
import { LoggerRegistry } from '../logging/index.js';
import { PluginRegistry } from '../worker/plugins.js';
import { createRestServer, type RestServer } from './rest-server.js';

/** A herder in memory: enough behaviour to drive every route; validation through the real ConfigDef. */
class MemoryHerder implements Herder {
  readonly workerId = '127.0.0.1:8083';
  readonly configs = new Map<string, ConnectorConfig>();
  readonly targets = new Map<string, TargetState>();
  readonly offsets = new Map<string, ConnectorOffsets>();
  readonly restarts: RestartRequest[] = [];
  readonly taskRestarts: Array<[string, number]> = [];
  readonly topics = new Map<string, string[]>();

  kafkaClusterId(): string {
    return 'test-cluster-id';
  }

  #config(name: string): ConnectorConfig {
    const config = this.configs.get(name);
    if (!config) throw connectorNotFound(name);
    return config;
  }

  #type(config: ConnectorConfig) {
    return (config['connector.class'] ?? '').includes('Sink') ? ('sink' as const) : ('source' as const);
  }

  async connectors(): Promise<string[]> {
    return [...this.configs.keys()];
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const config = this.#config(name);
    return { name, config, tasks: [{ connector: name, task: 0 }], type: this.#type(config) };
  }

  async connectorConfig(name: string): Promise<ConnectorConfig> {
    return this.#config(name);
  }

  async putConnectorConfig(
    name: string,
    config: ConnectorConfig,
    allowReplace: boolean,
    initialState?: 'RUNNING' | 'PAUSED' | 'STOPPED',
  ): Promise<{ created: boolean; info: ConnectorInfo }> {
    const exists = this.configs.has(name);
    if (exists && !allowReplace) throw alreadyExists(`Connector ${name} already exists`);
    const infos = validateConnectorConfig(validationRequest(config, this.#type(config)));
    if (infos.error_count > 0) throw badRequest(configErrorsMessage(infos));
    this.configs.set(name, config);
    if (!exists) {
      this.targets.set(
        name,
        initialState === 'PAUSED' ? 'PAUSED' : initialState === 'STOPPED' ? 'STOPPED' : 'STARTED',
      );
    }
    return { created: !exists, info: await this.connectorInfo(name) };
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const config = { ...this.#config(name) };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete config[key];
      else config[key] = value;
    }
    this.configs.set(name, config);
    return this.connectorInfo(name);
  }

  async deleteConnector(name: string): Promise<void> {
    this.#config(name);
    this.configs.delete(name);
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const config = this.#config(name);
    const target = this.targets.get(name) ?? 'STARTED';
    const state = target === 'STARTED' ? 'RUNNING' : target;
    return {
      name,
      connector: { state, worker_id: this.workerId },
      tasks: [{ id: 0, state, worker_id: this.workerId }],
      type: this.#type(config),
    };
  }

  async taskStatus(name: string, task: number): Promise<TaskStateInfo> {
    const status = await this.connectorStatus(name);
    const found = status.tasks.find((t) => t.id === task);
    if (!found) throw new ConnectError('NOT_FOUND', `No status found for task ${name}-${task}`);
    return found;
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    return [{ id: { connector: name, task: 0 }, config: { ...this.#config(name), 'task.index': '0' } }];
  }

  async restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | undefined> {
    this.#config(request.connector);
    this.restarts.push(request);
    if (!request.includeTasks && !request.onlyFailed) return undefined;
    const status = await this.connectorStatus(request.connector);
    return { ...status, connector: { ...status.connector, state: 'RESTARTING' } };
  }

  async restartTask(name: string, task: number): Promise<void> {
    await this.taskStatus(name, task);
    this.taskRestarts.push([name, task]);
  }

  async pauseConnector(name: string): Promise<void> {
    this.#config(name);
    this.targets.set(name, 'PAUSED');
  }

  async resumeConnector(name: string): Promise<void> {
    this.#config(name);
    this.targets.set(name, 'STARTED');
  }

  async stopConnector(name: string): Promise<void> {
    this.#config(name);
    this.targets.set(name, 'STOPPED');
  }

  async connectorActiveTopics(name: string): Promise<string[]> {
    this.#config(name);
    return this.topics.get(name) ?? [];
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.#config(name);
    this.topics.delete(name);
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    this.#config(name);
    return this.offsets.get(name) ?? { offsets: [] };
  }

  async alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<string> {
    this.#config(name);
    if (this.targets.get(name) !== 'STOPPED') {
      throw badRequest(`Connectors must be in the STOPPED state before their offsets can be modified.`);
    }
    this.offsets.set(name, offsets);
    return 'The offsets for this connector have been altered successfully';
  }

  async resetConnectorOffsets(name: string): Promise<string> {
    this.#config(name);
    this.offsets.delete(name);
    return 'The offsets for this connector have been reset successfully';
  }

  plugins(connectorsOnly: boolean): PluginInfo[] {
    const all: PluginInfo[] = [
      { class: 'io.confluent.connect.jdbc.JdbcSinkConnector', type: 'sink', version: '0.1.0' },
      { class: 'io.confluent.connect.jdbc.JdbcSourceConnector', type: 'source', version: '0.1.0' },
      { class: 'org.apache.kafka.connect.json.JsonConverter', type: 'converter', version: '0.1.0' },
    ];
    return connectorsOnly ? all.filter((p) => p.type === 'sink' || p.type === 'source') : all;
  }

  pluginConfig(pluginName: string): ConfigKeyInfo[] {
    return pluginConfigKeys(new PluginRegistry(builtInPlugins()), pluginName);
  }

  async validateConnectorConfig(
    pluginClass: string | undefined,
    config: ConnectorConfig,
  ): Promise<ConfigInfos> {
    const props = { 'connector.class': pluginClass ?? '', ...config };
    return validateConnectorConfig(validationRequest(props, this.#type(props)));
  }
}

/** What the real herder validates: the framework's keys and the connector plugin's own. */
function validationRequest(props: ConnectorConfig, type: 'source' | 'sink') {
  const plugin = new PluginRegistry(builtInPlugins()).find(props['connector.class'] ?? '');
  return { props, type, ...(plugin ? { connectorDef: plugin.configDef } : {}) };
}

const sinkConfig = {
  'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
  topics: 'orders',
  'connection.url': 'jdbc:mariadb://127.0.0.1:3306/mydb',
  'connection.password': 'test1357',
};

function collectingLogs(): { lines: string[]; registry: LoggerRegistry } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, registry: new LoggerRegistry({ level: 'DEBUG', destination }) };
}

describe('Connect REST API', () => {
  let herder: MemoryHerder;
  let app: RestServer;
  let logs: ReturnType<typeof collectingLogs>;

  beforeEach(async () => {
    herder = new MemoryHerder();
    logs = collectingLogs();
    app = createRestServer({
      herder,
      advertisedUrl: 'http://127.0.0.1:8083',
      logger: logs.registry.getLogger('org.msa.connect.rest'),
      loggers: logs.registry,
      requestTimeoutMs: 2000,
    });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
  });

  const create = (name: string, config: Record<string, string> = sinkConfig) =>
    app.inject({ method: 'POST', url: '/connectors', payload: { name, config } });

  describe('GET /', () => {
    it('answers version, commit and the Kafka cluster id', async () => {
      const res = await app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        version: '4.4.0',
        commit: 'unknown',
        kafka_cluster_id: 'test-cluster-id',
      });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('GET /health answers healthy', async () => {
      const res = await app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        status: 'healthy',
        message: 'Worker has completed startup and is ready to handle requests.',
      });
    });
  });

  describe('POST /connectors', () => {
    it('creates: 201, ConnectorInfo and an absolute Location', async () => {
      const res = await create('jdbc-sink');
      expect(res.statusCode).toBe(201);
      expect(res.headers.location).toBe('http://localhost:80/connectors/jdbc-sink');
      expect(res.json()).toEqual({
        name: 'jdbc-sink',
        config: { ...sinkConfig, name: 'jdbc-sink' },
        tasks: [{ connector: 'jdbc-sink', task: 0 }],
        type: 'sink',
      });
    });

    it('trims the name and accepts numbers for config values', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/connectors',
        payload: { name: '  padded  ', config: { ...sinkConfig, 'tasks.max': 2 } },
      });
      expect(res.statusCode).toBe(201);
      expect(herder.configs.get('padded')?.['tasks.max']).toBe('2');
    });

    it('passes initial_state (any case) to the herder', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/connectors',
        payload: { name: 'paused-one', config: sinkConfig, initial_state: 'paused' },
      });
      expect(res.statusCode).toBe(201);
      expect(herder.targets.get('paused-one')).toBe('PAUSED');
      const bad = await app.inject({
        method: 'POST',
        url: '/connectors',
        payload: { name: 'x', config: sinkConfig, initial_state: 'SLEEPING' },
      });
      expect(bad.statusCode).toBe(400);
    });

    it('409 when it already exists', async () => {
      await create('dup');
      const res = await create('dup');
      expect(res.statusCode).toBe(409);
      expect(res.json()).toEqual({ error_code: 409, message: 'Connector dup already exists' });
    });

    it('400 when the name in config differs from the name given', async () => {
      const res = await create('a', { ...sinkConfig, name: 'b' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error_code: 400,
        message: "Connector name configuration (b) doesn't match connector name in the URL (a)",
      });
    });

    it('400 on a missing, blank or control-character name, in Connect wording', async () => {
      const missing = await app.inject({
        method: 'POST',
        url: '/connectors',
        payload: { config: sinkConfig },
      });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().message).toBe(
        'Connector configuration is invalid and contains the following 1 error(s):\n' +
          'Invalid value  for configuration name: String may not be empty\n' +
          'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
      );
      const blank = await create('   ');
      expect(blank.statusCode).toBe(400);
      const control = await create('bad\u0007name');
      expect(control.statusCode).toBe(400);
      expect(control.json().message).toContain(
        'String may not contain control sequences but had the following ASCII chars: 7',
      );
    });

    it('400 when config is missing or not an object of strings', async () => {
      const missing = await app.inject({ method: 'POST', url: '/connectors', payload: { name: 'x' } });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error_code).toBe(400);
      const nested = await app.inject({
        method: 'POST',
        url: '/connectors',
        payload: { name: 'x', config: { topics: ['a'] } },
      });
      expect(nested.statusCode).toBe(400);
      const nullValue = await app.inject({
        method: 'POST',
        url: '/connectors',
        payload: { name: 'x', config: { ...sinkConfig, 'batch.size': null } },
      });
      expect(nullValue.statusCode).toBe(400);
      expect(nullValue.json().message).toContain(
        'Null value can not be supplied as the configuration value.',
      );
    });

    it('400 listing every problem of an invalid config', async () => {
      const res = await create('broken', {
        'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
        'tasks.max': '0',
        'errors.tolerance': 'some',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error_code: 400,
        message:
          'Connector configuration is invalid and contains the following 5 error(s):\n' +
          'Invalid value 0 for configuration tasks.max: Value must be at least 1\n' +
          'Invalid value some for configuration errors.tolerance: String must be one of: none, all\n' +
          'Must configure one of topics or topics.regex\n' +
          'Must configure one of topics or topics.regex\n' +
          'Missing required configuration "connection.url" which has no default value.\n' +
          'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
      });
      expect(herder.configs.has('broken')).toBe(false);
    });

    it('400 on malformed JSON, 415 on a non-JSON body, 413 on a body too large', async () => {
      const malformed = await app.inject({
        method: 'POST',
        url: '/connectors',
        headers: { 'content-type': 'application/json' },
        payload: '{"name": "x", "config": {',
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().error_code).toBe(400);
      expect(typeof malformed.json().message).toBe('string');

      const form = await app.inject({
        method: 'POST',
        url: '/connectors',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'name=x',
      });
      expect(form.statusCode).toBe(415);
      expect(form.json()).toEqual({ error_code: 415, message: 'HTTP 415 Unsupported Media Type' });

      const small = createRestServer({
        herder,
        advertisedUrl: 'http://127.0.0.1:8083',
        logger: logs.registry.getLogger('small'),
        bodyLimit: 100,
      });
      const large = await small.inject({
        method: 'POST',
        url: '/connectors',
        payload: { name: 'x', config: { ...sinkConfig, filler: 'y'.repeat(200) } },
      });
      expect(large.statusCode).toBe(413);
      expect(large.json().error_code).toBe(413);
      await small.close();
    });

    it('a body too large still gets its 413 when the client is slow to send it (no broken pipe)', async () => {
      const small = createRestServer({
        herder,
        advertisedUrl: 'http://127.0.0.1:8083',
        logger: logs.registry.getLogger('small'),
        bodyLimit: 1000,
      });
      await small.listen({ port: 0, host: '127.0.0.1' });
      const { port } = small.server.address() as AddressInfo;
      const total = 300_000;
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let written = 0;
      let writtenWhenAnswered = -1;
      socket.on('data', (b: Buffer) => {
        if (!answer) writtenWhenAnswered = written;
        answer += b.toString('utf8');
      });
      const outcome = new Promise<string>((resolve) => {
        socket.on('error', (e) => resolve(e.message));
        socket.on('close', () => resolve('closed'));
      });
      socket.write(
        `PUT /connectors/x/config HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${total}\r\n\r\n`,
      );
      // The answer would come (and the socket close) before the last chunks leave without the drain.
      for (let sent = 0; sent < total; sent += 30_000) {
        if (socket.writable) socket.write('y'.repeat(Math.min(30_000, total - sent)));
        written += 1;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await outcome).toBe('closed');
      // Answered once the whole body was in, not while the client was still sending it.
      expect(writtenWhenAnswered).toBe(10);
      expect(answer).toMatch(/^HTTP\/1.1 413 /);
      expect(answer).toContain('"error_code":413');
      await small.close();
    });

    it('never logs the connector config, password included', async () => {
      await create('secretive');
      const all = logs.lines.join('');
      expect(all).not.toContain('test1357');
    });
  });

  describe('GET /connectors', () => {
    it('lists names', async () => {
      await create('a');
      await create('b');
      const res = await app.inject({ method: 'GET', url: '/connectors' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(['a', 'b']);
    });

    it('expands status and info (repeatable), ignores unknown expansions', async () => {
      await create('a');
      const both = await app.inject({ method: 'GET', url: '/connectors?expand=status&expand=info' });
      expect(both.statusCode).toBe(200);
      expect(both.json()).toEqual({
        a: { status: await herder.connectorStatus('a'), info: await herder.connectorInfo('a') },
      });
      const status = await app.inject({ method: 'GET', url: '/connectors?expand=status' });
      expect(Object.keys(status.json().a)).toEqual(['status']);
      const unknown = await app.inject({ method: 'GET', url: '/connectors?expand=nothing' });
      expect(unknown.json()).toEqual({ a: {} });
      const trailingSlash = await app.inject({ method: 'GET', url: '/connectors/' });
      expect(trailingSlash.json()).toEqual(['a']);
    });

    it('an empty cluster is [] or {}', async () => {
      expect((await app.inject({ method: 'GET', url: '/connectors' })).json()).toEqual([]);
      expect((await app.inject({ method: 'GET', url: '/connectors?expand=info' })).json()).toEqual({});
    });
  });

  describe('one connector', () => {
    beforeEach(async () => {
      await create('orders-sink');
    });

    it('GET /connectors/{name} and 404 for an unknown one', async () => {
      const res = await app.inject({ method: 'GET', url: '/connectors/orders-sink' });
      expect(res.statusCode).toBe(200);
      expect(res.json().name).toBe('orders-sink');
      const missing = await app.inject({ method: 'GET', url: '/connectors/nope' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error_code: 404, message: 'Connector nope not found' });
    });

    it('GET /connectors/{name}/config', async () => {
      const res = await app.inject({ method: 'GET', url: '/connectors/orders-sink/config' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ...sinkConfig, name: 'orders-sink' });
      expect((await app.inject({ method: 'GET', url: '/connectors/nope/config' })).statusCode).toBe(404);
    });

    it('PUT /connectors/{name}/config: 201 + Location when created, 200 when updated', async () => {
      const created = await app.inject({
        method: 'PUT',
        url: '/connectors/new-one/config',
        payload: sinkConfig,
      });
      expect(created.statusCode).toBe(201);
      expect(created.headers.location).toBe('http://localhost:80/connectors/new-one');
      expect(created.json().config.name).toBe('new-one');
      const updated = await app.inject({
        method: 'PUT',
        url: '/connectors/new-one/config',
        payload: { ...sinkConfig, 'tasks.max': '3' },
      });
      expect(updated.statusCode).toBe(200);
      expect(updated.headers.location).toBeUndefined();
      expect(updated.json().config['tasks.max']).toBe('3');
    });

    it('PUT config: name mismatch 400, invalid config 400, non-object 400', async () => {
      const mismatch = await app.inject({
        method: 'PUT',
        url: '/connectors/orders-sink/config',
        payload: { ...sinkConfig, name: 'other' },
      });
      expect(mismatch.statusCode).toBe(400);
      expect(mismatch.json().message).toBe(
        "Connector name configuration (other) doesn't match connector name in the URL (orders-sink)",
      );
      const invalid = await app.inject({
        method: 'PUT',
        url: '/connectors/orders-sink/config',
        payload: { ...sinkConfig, 'tasks.max': 'many' },
      });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().message).toContain(
        'Invalid value many for configuration tasks.max: Not a number of type INT',
      );
      const array = await app.inject({ method: 'PUT', url: '/connectors/orders-sink/config', payload: [1] });
      expect(array.statusCode).toBe(400);
    });

    it('PATCH /connectors/{name}/config merges and removes keys', async () => {
      const res = await app.inject({
        method: 'PATCH',
        url: '/connectors/orders-sink/config',
        payload: { 'tasks.max': '4', 'connection.password': null },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().config['tasks.max']).toBe('4');
      expect(res.json().config).not.toHaveProperty('connection.password');
      const missing = await app.inject({ method: 'PATCH', url: '/connectors/nope/config', payload: {} });
      expect(missing.statusCode).toBe(404);
    });

    it('GET status, tasks and task status', async () => {
      const status = await app.inject({ method: 'GET', url: '/connectors/orders-sink/status' });
      expect(status.statusCode).toBe(200);
      expect(status.json()).toEqual({
        name: 'orders-sink',
        connector: { state: 'RUNNING', worker_id: '127.0.0.1:8083' },
        tasks: [{ id: 0, state: 'RUNNING', worker_id: '127.0.0.1:8083' }],
        type: 'sink',
      });
      const tasks = await app.inject({ method: 'GET', url: '/connectors/orders-sink/tasks' });
      expect(tasks.statusCode).toBe(200);
      expect(tasks.json()).toEqual([
        { id: { connector: 'orders-sink', task: 0 }, config: expect.objectContaining({ 'task.index': '0' }) },
      ]);
      const task = await app.inject({ method: 'GET', url: '/connectors/orders-sink/tasks/0/status' });
      expect(task.json()).toEqual({ id: 0, state: 'RUNNING', worker_id: '127.0.0.1:8083' });
      const noTask = await app.inject({ method: 'GET', url: '/connectors/orders-sink/tasks/7/status' });
      expect(noTask.statusCode).toBe(404);
      const notANumber = await app.inject({ method: 'GET', url: '/connectors/orders-sink/tasks/abc/status' });
      expect(notANumber.statusCode).toBe(404);
      expect(notANumber.json()).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });
      expect((await app.inject({ method: 'GET', url: '/connectors/nope/status' })).statusCode).toBe(404);
    });

    it('POST restart: 204 without flags, 202 with the status when includeTasks or onlyFailed', async () => {
      const plain = await app.inject({ method: 'POST', url: '/connectors/orders-sink/restart' });
      expect(plain.statusCode).toBe(204);
      expect(plain.body).toBe('');
      const explicitFalse = await app.inject({
        method: 'POST',
        url: '/connectors/orders-sink/restart?includeTasks=false&onlyFailed=false',
      });
      expect(explicitFalse.statusCode).toBe(204);
      const withTasks = await app.inject({
        method: 'POST',
        url: '/connectors/orders-sink/restart?includeTasks=true',
      });
      expect(withTasks.statusCode).toBe(202);
      expect(withTasks.json().connector.state).toBe('RESTARTING');
      const onlyFailed = await app.inject({
        method: 'POST',
        url: '/connectors/orders-sink/restart?onlyFailed=TRUE',
      });
      expect(onlyFailed.statusCode).toBe(202);
      expect(herder.restarts).toEqual([
        { connector: 'orders-sink', includeTasks: false, onlyFailed: false },
        { connector: 'orders-sink', includeTasks: false, onlyFailed: false },
        { connector: 'orders-sink', includeTasks: true, onlyFailed: false },
        { connector: 'orders-sink', includeTasks: false, onlyFailed: true },
      ]);
      expect((await app.inject({ method: 'POST', url: '/connectors/nope/restart' })).statusCode).toBe(404);
    });

    it('POST task restart: 204', async () => {
      const res = await app.inject({ method: 'POST', url: '/connectors/orders-sink/tasks/0/restart' });
      expect(res.statusCode).toBe(204);
      expect(herder.taskRestarts).toEqual([['orders-sink', 0]]);
      expect(
        (await app.inject({ method: 'POST', url: '/connectors/orders-sink/tasks/9/restart' })).statusCode,
      ).toBe(404);
    });

    it('PUT pause 202, resume 202, stop 204, all without a body; an empty JSON body is fine', async () => {
      const pause = await app.inject({
        method: 'PUT',
        url: '/connectors/orders-sink/pause',
        headers: { 'content-type': 'application/json' },
      });
      expect(pause.statusCode).toBe(202);
      expect(pause.body).toBe('');
      expect(herder.targets.get('orders-sink')).toBe('PAUSED');
      const resume = await app.inject({ method: 'PUT', url: '/connectors/orders-sink/resume' });
      expect(resume.statusCode).toBe(202);
      expect(herder.targets.get('orders-sink')).toBe('STARTED');
      const stop = await app.inject({ method: 'PUT', url: '/connectors/orders-sink/stop' });
      expect(stop.statusCode).toBe(204);
      expect(herder.targets.get('orders-sink')).toBe('STOPPED');
      expect((await app.inject({ method: 'PUT', url: '/connectors/nope/pause' })).statusCode).toBe(404);
    });

    it('DELETE: 204, then 404', async () => {
      const res = await app.inject({ method: 'DELETE', url: '/connectors/orders-sink' });
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      const again = await app.inject({ method: 'DELETE', url: '/connectors/orders-sink' });
      expect(again.statusCode).toBe(404);
      expect(again.json()).toEqual({ error_code: 404, message: 'Connector orders-sink not found' });
    });

    it('GET topics {"<name>": {"topics": [...]}} and PUT topics/reset 202', async () => {
      herder.topics.set('orders-sink', ['orders']);
      const res = await app.inject({ method: 'GET', url: '/connectors/orders-sink/topics' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ 'orders-sink': { topics: ['orders'] } });
      const reset = await app.inject({ method: 'PUT', url: '/connectors/orders-sink/topics/reset' });
      expect(reset.statusCode).toBe(202);
      expect(herder.topics.has('orders-sink')).toBe(false);
    });

    it('topic tracking switched off: 403', async () => {
      const off = createRestServer({
        herder,
        advertisedUrl: 'http://127.0.0.1:8083',
        logger: logs.registry.getLogger('off'),
        topicTrackingEnabled: false,
      });
      const res = await off.inject({ method: 'GET', url: '/connectors/orders-sink/topics' });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ error_code: 403, message: 'Topic tracking is disabled.' });
      await off.close();
      const noReset = createRestServer({
        herder,
        advertisedUrl: 'http://127.0.0.1:8083',
        logger: logs.registry.getLogger('off'),
        topicTrackingResetEnabled: false,
      });
      const reset = await noReset.inject({ method: 'PUT', url: '/connectors/orders-sink/topics/reset' });
      expect(reset.json()).toEqual({ error_code: 403, message: 'Topic tracking reset is disabled.' });
      await noReset.close();
    });

    it('offsets: GET, PATCH and DELETE answer {"message"}; PATCH needs offsets', async () => {
      const offsets = { offsets: [{ partition: { table: 'users1' }, offset: { incrementing: 42 } }] };
      const running = await app.inject({
        method: 'PATCH',
        url: '/connectors/orders-sink/offsets',
        payload: offsets,
      });
      expect(running.statusCode).toBe(400);
      await herder.stopConnector('orders-sink');
      const altered = await app.inject({
        method: 'PATCH',
        url: '/connectors/orders-sink/offsets',
        payload: offsets,
      });
      expect(altered.statusCode).toBe(200);
      expect(altered.json()).toEqual({
        message: 'The offsets for this connector have been altered successfully',
      });
      const read = await app.inject({ method: 'GET', url: '/connectors/orders-sink/offsets' });
      expect(read.json()).toEqual(offsets);
      const empty = await app.inject({
        method: 'PATCH',
        url: '/connectors/orders-sink/offsets',
        payload: { offsets: [] },
      });
      expect(empty.statusCode).toBe(400);
      expect(empty.json().message).toBe(
        'Partitions / offsets need to be provided for an alter offsets request',
      );
      const reset = await app.inject({ method: 'DELETE', url: '/connectors/orders-sink/offsets' });
      expect(reset.statusCode).toBe(200);
      expect(reset.json()).toEqual({
        message: 'The offsets for this connector have been reset successfully',
      });
      expect((await app.inject({ method: 'GET', url: '/connectors/nope/offsets' })).statusCode).toBe(404);
    });

    it('names with spaces and slashes round-trip through the URL', async () => {
      await create('with space/and slash');
      const res = await app.inject({ method: 'GET', url: '/connectors/with%20space%2Fand%20slash/status' });
      expect(res.statusCode).toBe(200);
      expect(res.json().name).toBe('with space/and slash');
    });
  });

  describe('/connector-plugins', () => {
    it('lists connectors only by default, everything with connectorsOnly=false', async () => {
      const connectors = await app.inject({ method: 'GET', url: '/connector-plugins' });
      expect(connectors.statusCode).toBe(200);
      expect(connectors.json().map((p: PluginInfo) => p.type)).toEqual(['sink', 'source']);
      const all = await app.inject({ method: 'GET', url: '/connector-plugins?connectorsOnly=false' });
      expect(all.json()).toHaveLength(3);
    });

    it("GET /connector-plugins/{plugin}/config: the plugin's keys, then the framework's it does not redefine", async () => {
      const sink = await app.inject({ method: 'GET', url: '/connector-plugins/JdbcSinkConnector/config' });
      expect(sink.statusCode).toBe(200);
      const names = (sink.json() as { name: string }[]).map((k) => k.name);
      expect(names[0]).toBe('connection.url');
      expect(names).toContain('topics');
      expect(names.filter((n) => n === 'name')).toHaveLength(1);
      const router = await app.inject({
        method: 'GET',
        url: '/connector-plugins/org.apache.kafka.connect.transforms.RegexRouter/config',
      });
      expect(router.json()).toMatchObject([
        { name: 'regex', type: 'STRING', required: true, importance: 'HIGH' },
        { name: 'replacement', type: 'STRING', required: true, importance: 'HIGH' },
      ]);
      const unknown = await app.inject({ method: 'GET', url: '/connector-plugins/com.example.Nope/config' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ error_code: 404, message: 'Unknown plugin com.example.Nope.' });
      const converter = await app.inject({
        method: 'GET',
        url: '/connector-plugins/org.apache.kafka.connect.json.JsonConverter/config',
      });
      expect(converter.statusCode).toBe(200);
      expect((converter.json() as ConfigKeyInfo[]).map((k) => k.name)).toEqual([
        'converter.type',
        'schemas.enable',
        'schemas.cache.size',
        'schema.content',
        'decimal.format',
        'replace.null.with.default',
        'float.format',
      ]);
      const header = await app.inject({
        method: 'GET',
        url: '/connector-plugins/org.apache.kafka.connect.storage.SimpleHeaderConverter/config',
      });
      expect(header.statusCode).toBe(200);
      expect(header.json()).toEqual([]);
    });

    it('PUT validate answers ConfigInfos with every problem per key', async () => {
      const res = await app.inject({
        method: 'PUT',
        url: '/connector-plugins/JdbcSinkConnector/config/validate',
        payload: { 'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector', 'tasks.max': 'x' },
      });
      expect(res.statusCode).toBe(200);
      const infos = res.json() as ConfigInfos;
      expect(infos.name).toBe('io.confluent.connect.jdbc.JdbcSinkConnector');
      expect(infos.groups).toEqual([
        'Common',
        'Transforms',
        'Predicates',
        'Error Handling',
        'Connection',
        'Writes',
        'Data Mapping',
        'DDL Support',
        'Retries',
      ]);
      const errors = Object.fromEntries(infos.configs.map((c) => [c.definition.name, c.value.errors]));
      expect(errors.name).toEqual(['Missing required configuration "name" which has no default value.']);
      expect(errors['tasks.max']).toEqual([
        'Invalid value x for configuration tasks.max: Not a number of type INT',
        'Invalid value null for configuration tasks.max: Value must be non-null',
      ]);
      expect(errors.topics).toEqual(['Must configure one of topics or topics.regex']);
      expect(errors['connection.url']).toEqual([
        'Missing required configuration "connection.url" which has no default value.',
      ]);
      expect(infos.error_count).toBe(6);
    });

    it('400 when connector.class does not match the plugin in the URL', async () => {
      const res = await app.inject({
        method: 'PUT',
        url: '/connector-plugins/JdbcSourceConnector/config/validate',
        payload: { 'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe(
        'Included connector type io.confluent.connect.jdbc.JdbcSinkConnector does not match request type JdbcSourceConnector',
      );
      const alias = await app.inject({
        method: 'PUT',
        url: '/connector-plugins/JdbcSink/config/validate',
        payload: {
          'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
          name: 'a',
          topics: 't',
          'connection.url': 'jdbc:sqlite::memory:',
        },
      });
      expect(alias.statusCode).toBe(200);
      expect(alias.json().error_count).toBe(0);
    });
  });

  describe('/admin/loggers', () => {
    it('lists, reads and sets levels; 404 for an unknown logger', async () => {
      logs.registry.getLogger('org.msa.connect.worker.WorkerSinkTask');
      const list = await app.inject({ method: 'GET', url: '/admin/loggers' });
      expect(list.statusCode).toBe(200);
      expect(list.json().root).toEqual({ level: 'DEBUG', last_modified: null });
      expect(list.json()['org.msa.connect.worker.WorkerSinkTask']).toEqual({
        level: 'DEBUG',
        last_modified: null,
      });

      const set = await app.inject({
        method: 'PUT',
        url: '/admin/loggers/org.msa.connect.worker',
        payload: { level: 'trace' },
      });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toEqual(['org.msa.connect.worker', 'org.msa.connect.worker.WorkerSinkTask']);

      const one = await app.inject({
        method: 'GET',
        url: '/admin/loggers/org.msa.connect.worker.WorkerSinkTask',
      });
      expect(one.json().level).toBe('TRACE');
      expect(typeof one.json().last_modified).toBe('number');

      const unknown = await app.inject({ method: 'GET', url: '/admin/loggers/com.example.Nothing' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ error_code: 404, message: 'Logger com.example.Nothing not found.' });
    });

    it('PUT: missing level 400, unknown level 404, cluster scope 204, unknown scope acts as worker', async () => {
      const missing = await app.inject({ method: 'PUT', url: '/admin/loggers/root', payload: {} });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().message).toBe("Desired 'level' parameter was not specified in request.");
      const wrong = await app.inject({
        method: 'PUT',
        url: '/admin/loggers/root',
        payload: { level: 'LOUD' },
      });
      expect(wrong.statusCode).toBe(404);
      expect(wrong.json().message).toBe("invalid log level 'LOUD'.");
      const cluster = await app.inject({
        method: 'PUT',
        url: '/admin/loggers/org.msa?scope=cluster',
        payload: { level: 'WARN' },
      });
      expect(cluster.statusCode).toBe(204);
      expect(logs.registry.level('org.msa')?.level).toBe('WARN');
      const odd = await app.inject({
        method: 'PUT',
        url: '/admin/loggers/org.msa?scope=galaxy',
        payload: { level: 'ERROR' },
      });
      expect(odd.statusCode).toBe(200);
      // the REST logger (org.msa.connect.rest) sits under org.msa, so it changed too
      expect(odd.json()).toEqual(['org.msa', 'org.msa.connect.rest']);
    });
  });

  describe('unknown routes and methods', () => {
    it('404 for an unknown path, 405 with Allow for a known path and wrong method', async () => {
      const unknown = await app.inject({ method: 'GET', url: '/nothing/here' });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });
      const wrong = await app.inject({ method: 'DELETE', url: '/connector-plugins' });
      expect(wrong.statusCode).toBe(405);
      expect(wrong.json()).toEqual({ error_code: 405, message: 'HTTP 405 Method Not Allowed' });
      expect(wrong.headers.allow).toContain('GET');
      const wrongOnParam = await app.inject({ method: 'POST', url: '/connectors/x/pause' });
      expect(wrongOnParam.statusCode).toBe(405);
      expect(wrongOnParam.headers.allow).toContain('PUT');
      const badEscape = await app.inject({ method: 'GET', url: '/connectors/%zz' });
      expect(badEscape.statusCode).toBe(400);
      expect(badEscape.json().error_code).toBe(400);
      const options = await app.inject({ method: 'OPTIONS', url: '/connectors' });
      expect(options.statusCode).toBe(200);
      expect(options.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    });

    it('500 with the message, never a stack, when the herder fails unexpectedly', async () => {
      herder.connectors = async () => {
        throw new TypeError('boom');
      };
      const res = await app.inject({ method: 'GET', url: '/connectors' });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error_code: 500, message: 'boom' });
      expect(res.body).not.toContain('at ');
    });

    it('500 "Request timed out" when the herder does not answer in time', async () => {
      const slow = createRestServer({
        herder,
        advertisedUrl: 'http://127.0.0.1:8083',
        logger: logs.registry.getLogger('slow'),
        requestTimeoutMs: 20,
      });
      herder.connectors = () => new Promise(() => {});
      const res = await slow.inject({ method: 'GET', url: '/connectors' });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error_code: 500, message: 'Request timed out' });
      await slow.close();
    });
  });
});
