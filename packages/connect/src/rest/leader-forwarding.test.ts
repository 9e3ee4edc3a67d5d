import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorConfig, ConnectorInfo, ConnectorStateInfo, RestartRequest } from '../entities.js';
import { alreadyExists, connectorNotFound, NotLeaderError } from '../errors/connect-error.js';
import type { Herder } from '../herder/herder.js';
import { LoggerRegistry } from '../logging/index.js';
import { createRestServer, type RestServer } from './rest-server.js';

const quiet = new LoggerRegistry({
  level: 'OFF',
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

/**
 * A minimal herder for the forwarding paths: as leader it keeps connectors in memory; as follower
 * every write throws NotLeaderError with the leader's URL, the way a distributed herder does.
 */
class TinyHerder implements Herder {
  readonly workerId: string;
  readonly configs = new Map<string, ConnectorConfig>();
  leaderUrl: string | undefined;
  readonly isLeader: boolean;

  constructor(workerId: string, isLeader: boolean, leaderUrl?: string) {
    this.workerId = workerId;
    this.isLeader = isLeader;
    this.leaderUrl = leaderUrl;
  }

  #leaderOnly(): void {
    if (!this.isLeader)
      throw new NotLeaderError('Only the leader can write connector configs', this.leaderUrl);
  }

  #info(name: string): ConnectorInfo {
    const config = this.configs.get(name);
    if (!config) throw connectorNotFound(name);
    return { name, config, tasks: [], type: 'sink' };
  }

  #status(name: string): ConnectorStateInfo {
    this.#info(name);
    return {
      name,
      connector: { state: 'RESTARTING', worker_id: this.workerId },
      tasks: [{ id: 0, state: 'RESTARTING', worker_id: this.workerId }],
      type: 'sink',
    };
  }

  kafkaClusterId = () => 'cluster';
  connectors = async () => [...this.configs.keys()];
  connectorInfo = async (name: string) => this.#info(name);
  connectorConfig = async (name: string) => this.#info(name).config;

  async putConnectorConfig(name: string, config: ConnectorConfig, allowReplace: boolean) {
    this.#leaderOnly();
    const exists = this.configs.has(name);
    if (exists && !allowReplace) throw alreadyExists(`Connector ${name} already exists`);
    this.configs.set(name, config);
    return { created: !exists, info: this.#info(name) };
  }

  patchConnectorConfig = async (name: string) => this.#info(name);

  async deleteConnector(name: string) {
    this.#leaderOnly();
    this.#info(name);
    this.configs.delete(name);
  }

  connectorStatus = async (name: string) => this.#status(name);
  taskStatus = async () => ({ id: 0, state: 'RUNNING' as const, worker_id: this.workerId });
  taskConfigs = async () => [];

  async restartConnector(request: RestartRequest) {
    this.#leaderOnly();
    return request.includeTasks || request.onlyFailed ? this.#status(request.connector) : undefined;
  }

  restartTask = async () => this.#leaderOnly();
  pauseConnector = async () => {};
  resumeConnector = async () => {};
  stopConnector = async () => this.#leaderOnly();
  connectorActiveTopics = async () => [];
  resetConnectorActiveTopics = async () => {};
  connectorOffsets = async () => ({ offsets: [] });
  alterConnectorOffsets = async () => {
    this.#leaderOnly();
    return 'altered';
  };
  resetConnectorOffsets = async () => {
    this.#leaderOnly();
    return 'reset';
  };
  plugins = () => [];
  pluginConfig = () => [];
  validateConnectorConfig = async () => ({ name: '', error_count: 0, groups: [], configs: [] });
}

interface Worker {
  herder: TinyHerder;
  server: RestServer;
  url: string;
  seen: Array<{ method: string; url: string; authorization: string | undefined }>;
}

const started: Worker[] = [];

async function startWorker(herder: TinyHerder, options: { fetch?: typeof fetch } = {}): Promise<Worker> {
  const seen: Worker['seen'] = [];
  const server = createRestServer({
    herder,
    advertisedUrl: `http://${herder.workerId}`,
    logger: quiet.getLogger('org.msa.connect.rest'),
    requestTimeoutMs: 2000,
    ...options,
  });
  server.addHook('onRequest', async (request) => {
    seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization });
  });
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  const worker = { herder, server, url: address, seen };
  started.push(worker);
  return worker;
}

async function leaderAndFollower() {
  const leader = await startWorker(new TinyHerder('leader', true));
  const follower = await startWorker(new TinyHerder('follower', false, leader.url));
  return { leader, follower };
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.server.close()));
});

const sinkConfig = { 'connector.class': 'JdbcSinkConnector', topics: 'orders' };

describe('forwarding to the leader', () => {
  it('POST /connectors on a follower is served by the leader: 201, body, Location on the follower', async () => {
    const { leader, follower } = await leaderAndFollower();
    const res = await fetch(`${follower.url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      body: JSON.stringify({ name: 'fwd', config: sinkConfig }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      name: 'fwd',
      config: { ...sinkConfig, name: 'fwd' },
      tasks: [],
      type: 'sink',
    });
    expect(res.headers.get('location')).toBe(`${follower.url}/connectors/fwd`);
    expect(leader.herder.configs.get('fwd')).toEqual({ ...sinkConfig, name: 'fwd' });
    const forwarded = leader.seen.find((r) => r.method === 'POST');
    expect(forwarded?.url).toBe('/connectors?forward=true');
    expect(forwarded?.authorization).toBe('Basic dXNlcjpwYXNz');
  });

  it('PUT config keeps the leader status: 201 on create, 200 on update', async () => {
    const { follower } = await leaderAndFollower();
    const put = () =>
      fetch(`${follower.url}/connectors/fwd/config`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sinkConfig),
      });
    const created = await put();
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${follower.url}/connectors/fwd`);
    const updated = await put();
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as { name: string }).name).toBe('fwd');
  });

  it('relays the query (restart flags) and the 202 body; 204 stays bodyless', async () => {
    const { leader, follower } = await leaderAndFollower();
    leader.herder.configs.set('c', { ...sinkConfig, name: 'c' });
    const withTasks = await fetch(`${follower.url}/connectors/c/restart?includeTasks=true&onlyFailed=false`, {
      method: 'POST',
    });
    expect(withTasks.status).toBe(202);
    expect(((await withTasks.json()) as { connector: unknown }).connector).toEqual({
      state: 'RESTARTING',
      worker_id: 'leader',
    });
    expect(leader.seen.at(-1)?.url).toBe(
      '/connectors/c/restart?includeTasks=true&onlyFailed=false&forward=true',
    );
    const plain = await fetch(`${follower.url}/connectors/c/restart`, { method: 'POST' });
    expect(plain.status).toBe(204);
    expect(await plain.text()).toBe('');
    const deleted = await fetch(`${follower.url}/connectors/c`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(leader.herder.configs.has('c')).toBe(false);
  });

  it("relays the leader's errors with their status and message", async () => {
    const { leader, follower } = await leaderAndFollower();
    leader.herder.configs.set('dup', { ...sinkConfig, name: 'dup' });
    const res = await fetch(`${follower.url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'dup', config: sinkConfig }),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error_code: 409, message: 'Connector dup already exists' });
    const missing = await fetch(`${follower.url}/connectors/nope`, { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error_code: 404, message: 'Connector nope not found' });
  });

  it('takes at most two hops: a stale follower passes on with forward=false, then 409', async () => {
    const leader = await startWorker(new TinyHerder('leader', true));
    const middle = await startWorker(new TinyHerder('middle', false, leader.url));
    const stale = await startWorker(new TinyHerder('stale', false, middle.url));
    const res = await fetch(`${stale.url}/connectors/x/stop`, { method: 'PUT' });
    expect(res.status).toBe(204);
    expect(middle.seen.at(-1)?.url).toBe('/connectors/x/stop?forward=true');
    expect(leader.seen.at(-1)?.url).toBe('/connectors/x/stop?forward=false');

    // a worker that still is not the leader when forward=false arrives gives up
    const lost = await fetch(`${middle.url}/connectors/x/stop?forward=false`, { method: 'PUT' });
    expect(lost.status).toBe(409);
    expect(await lost.json()).toEqual({
      error_code: 409,
      message: 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)',
    });
  });

  it('409 when no leader is known, or when the leader would be this worker itself', async () => {
    const follower = await startWorker(new TinyHerder('follower', false, undefined));
    const res = await fetch(`${follower.url}/connectors/x/stop`, { method: 'PUT' });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error_code: 409,
      message:
        'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.',
    });
    follower.herder.leaderUrl = 'http://follower/';
    const self = await fetch(`${follower.url}/connectors/x/stop`, { method: 'PUT' });
    expect(self.status).toBe(409);
  });

  it('500 when the leader cannot be reached', async () => {
    const follower = await startWorker(new TinyHerder('follower', false, 'http://127.0.0.1:9'));
    const res = await fetch(`${follower.url}/connectors/x/stop`, { method: 'PUT' });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error_code: number; message: string };
    expect(body.error_code).toBe(500);
    expect(body.message).toMatch(/^IO Error trying to forward REST request: /);
  });

  it('forwards the parsed body of PATCH offsets and answers the leader message', async () => {
    const { leader, follower } = await leaderAndFollower();
    const offsets = { offsets: [{ partition: { table: 'users1' }, offset: { incrementing: 7 } }] };
    const res = await fetch(`${follower.url}/connectors/c/offsets`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(offsets),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'altered' });
    expect(leader.seen.at(-1)).toMatchObject({ method: 'PATCH', url: '/connectors/c/offsets?forward=true' });
  });
});
