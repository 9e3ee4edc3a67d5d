import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin, createProducer } from '@msa-sync/kafka';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clusterSettings,
  eventually,
  rest,
  startWorker,
  type WorkerProcess,
} from '../support/connect-worker.js';
import { uniqueName } from '../support/run-process.js';

/**
 * Throws malformed requests at every REST route of DESIGN §4 on one real worker (issue 14: no
 * request may end the worker). Every answer must be Connect's JSON error body with a 4xx code, or
 * a 2xx where the request happens to be valid; never a 5xx, a stack trace or a dropped connection.
 * Afterwards the worker still answers and the connectors it holds are as they were. The case list
 * is fixed: a seeded generator mixes the same bodies into the same requests on every run.
 */

type Answer = { status: number; text: string; contentType: string };

/** Raw HTTP, so invalid JSON, odd content types and odd paths go out exactly as written. */
function send(
  port: number,
  method: string,
  path: string,
  body?: string,
  contentType?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...(contentType ? { 'content-type': contentType } : {}),
          ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            contentType: String(res.headers['content-type'] ?? ''),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** mulberry32: a small seeded generator, so the mix is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HUGE = 'x'.repeat(200_000);

/** Bodies no route accepts as they are: broken JSON, wrong types, nulls, arrays for objects. */
const MALFORMED_BODIES: { label: string; body: string }[] = [
  { label: 'invalid JSON', body: '{"name": ' },
  { label: 'trailing garbage', body: '{"a":"b"} xyz' },
  { label: 'single quotes', body: "{'a':'b'}" },
  { label: 'NaN', body: '{"offsets": NaN}' },
  { label: 'a bare string', body: '"hello"' },
  { label: 'a bare number', body: '42' },
  { label: 'true', body: 'true' },
  { label: 'null', body: 'null' },
  { label: 'an array', body: '[]' },
  { label: 'an array of objects', body: '[{"name":"x"}]' },
  { label: 'nested arrays', body: JSON.stringify({ config: [1, 2], offsets: [[]], level: [] }) },
  { label: 'nulls', body: JSON.stringify({ name: null, config: null, offsets: null, level: null }) },
  { label: 'wrong types', body: JSON.stringify({ name: 5, config: 'x', offsets: 'x', level: 7 }) },
  { label: 'objects as values', body: JSON.stringify({ name: {}, config: { 'tasks.max': {} }, level: {} }) },
  { label: 'a huge string', body: JSON.stringify({ name: HUGE, config: { file: HUGE }, level: HUGE }) },
  { label: 'a huge key', body: JSON.stringify({ [HUGE]: 'v' }) },
  { label: 'deep nesting', body: `${'['.repeat(5000)}${']'.repeat(5000)}` },
  {
    label: 'NUL characters',
    body: JSON.stringify({ name: 'a\u0000b', config: { 'connector.class': '\u0000' } }),
  },
  { label: 'proto keys', body: '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"x":1}}}' },
  { label: 'too large', body: JSON.stringify({ name: 'y'.repeat(2 * 1024 * 1024) }) },
  {
    label: 'offsets of wrong shapes',
    body: JSON.stringify({ offsets: [null, 1, 'x', [], { partition: 1 }] }),
  },
  { label: 'offsets with arrays', body: JSON.stringify({ offsets: [{ partition: [], offset: [] }] }) },
  {
    label: 'sink offsets of wrong types',
    body: JSON.stringify({
      offsets: [{ partition: { kafka_topic: 1, kafka_partition: 'a' }, offset: { kafka_offset: 'b' } }],
    }),
  },
  {
    label: 'negative sink offsets',
    body: JSON.stringify({
      offsets: [{ partition: { kafka_topic: 't', kafka_partition: -1 }, offset: { kafka_offset: -5 } }],
    }),
  },
  {
    label: 'file offsets of wrong types',
    body: JSON.stringify({ offsets: [{ partition: { filename: 5 }, offset: { position: 'abc' } }] }),
  },
  { label: 'empty offsets', body: JSON.stringify({ offsets: [] }) },
  { label: 'unknown keys only', body: JSON.stringify({ unknown: 'key', another: 1 }) },
];

/** Paths that name nothing or that no router should take apart: 404, never 500. */
const ODD_PATHS = [
  '/connectors/%',
  '/connectors/%ZZ',
  '/connectors/%00',
  '/connectors/..%2F..%2Fetc%2Fpasswd',
  '/connectors/a%2Fb/status',
  '/connectors//status',
  '/connectors/x/tasks/abc/status',
  '/connectors/x/tasks/-1/status',
  '/connectors/x/tasks/99999999999/status',
  '/connectors/x/tasks/1e3/restart',
  '/connectors/x/tasks/0x1/status',
  `/connectors/${'n'.repeat(5000)}/status`,
  `/connectors/${'%C3%A9'.repeat(200)}`,
  '/connectors/%E2%80%AE/offsets',
  '/connectors?expand=%',
  '/connectors?expand=nonsense&expand=status',
  '/connectors/x/restart?includeTasks=maybe&onlyFailed[]=1',
  '/connector-plugins/%00/config/validate',
  '/connector-plugins/..%2F/config/validate',
  '/admin/loggers/%00',
  '/admin/loggers/?',
  '/nowhere',
  '/connectors/x/nowhere',
  '/connectors/x/offsets/extra',
  '//',
  '/%2e%2e/',
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

describe('REST fuzz (real broker, one worker)', () => {
  const bootstrap = inject('kafkaBootstrap');
  const id = uniqueName('fuzz');
  const dir = mkdtempSync(join(tmpdir(), 'msa-rest-fuzz-'));
  const topic = `${id}-in`;
  const states = ['RUNNING', 'PAUSED', 'STOPPED', 'FAILED'] as const;
  /** The connectors whose config and state must come out of the fuzzing unchanged. */
  const kept = states.flatMap((state) => [
    { name: `${id}-source-${state.toLowerCase()}`, type: 'source', state },
    { name: `${id}-sink-${state.toLowerCase()}`, type: 'sink', state },
  ]);
  /** Mutating routes are aimed at these names only (they may be created, changed or deleted). */
  const victim = `${id}-victim`;
  const logger = `org.msa.fuzz.${id}`;
  let worker: WorkerProcess;
  const failures: string[] = [];
  let requests = 0;

  function configOf(c: (typeof kept)[number]): Record<string, string> {
    // FAILED: the file is a directory, so the task fails on its first read (source) or open (sink).
    const path = c.state === 'FAILED' ? dir : join(dir, `${c.name}.txt`);
    return c.type === 'source'
      ? { 'connector.class': 'FileStreamSource', file: path, topic }
      : {
          'connector.class': 'FileStreamSink',
          file: path,
          topics: topic,
          'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        };
  }

  type Snapshot = Record<string, { config: unknown; connector: string; tasks: string[] }>;
  async function snapshot(): Promise<Snapshot> {
    const out: Snapshot = {};
    for (const c of kept) {
      const config = (await rest(worker.url, 'GET', `/connectors/${c.name}/config`)).body;
      const status = (await rest(worker.url, 'GET', `/connectors/${c.name}/status`)).body as {
        connector: { state: string };
        tasks: { state: string }[];
      };
      out[c.name] = { config, connector: status.connector.state, tasks: status.tasks.map((t) => t.state) };
    }
    return out;
  }

  /** The answer's contract: JSON error body with a 4xx, or a 2xx; never 5xx, a stack or nothing. */
  async function check(method: string, path: string, body?: string, contentType = 'application/json') {
    requests += 1;
    const what = `${method} ${path.slice(0, 120)}${body === undefined ? '' : ` <${body.slice(0, 60)}>`}`;
    let answer: Answer;
    try {
      answer = await send(worker.port, method, path, body, body === undefined ? undefined : contentType);
    } catch (error) {
      failures.push(`${what}: connection failed: ${(error as Error).message}`);
      return;
    }
    if (answer.status >= 500 || answer.status < 200) {
      failures.push(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
      return;
    }
    if (/\n\s+at .+\(.*:\d+:\d+\)/.test(answer.text)) failures.push(`${what}: a stack trace in the answer`);
    if (answer.status >= 400) {
      if (method === 'HEAD') return; // no body by definition
      let parsed: { error_code?: unknown; message?: unknown };
      try {
        parsed = JSON.parse(answer.text);
      } catch {
        failures.push(`${what}: ${answer.status} without a JSON body: ${answer.text.slice(0, 200)}`);
        return;
      }
      if (parsed.error_code !== answer.status || typeof parsed.message !== 'string') {
        failures.push(`${what}: ${answer.status} with body ${answer.text.slice(0, 200)}`);
      }
    }
  }

  beforeAll(async () => {
    const admin = createAdmin({ bootstrapServers: [bootstrap], clientId: `${id}-admin` });
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    } finally {
      await admin.close();
    }
    const producer = createProducer({ bootstrapServers: [bootstrap], clientId: `${id}-producer` });
    try {
      await producer.send({ messages: [{ topic, partition: 0, value: Buffer.from('hello') }] });
    } finally {
      await producer.close();
    }
    for (const c of kept)
      if (c.type === 'source' && c.state !== 'FAILED')
        writeFileSync(join(dir, `${c.name}.txt`), 'one\ntwo\n');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    worker = await startWorker(clusterSettings(bootstrap, id));
    for (const c of kept) {
      const initial = c.state === 'PAUSED' || c.state === 'STOPPED' ? c.state : 'RUNNING';
      const created = await rest(worker.url, 'POST', '/connectors', {
        name: c.name,
        config: configOf(c),
        initial_state: initial,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    for (const c of kept) {
      await eventually(
        `${c.name} ${c.state}`,
        async () => {
          const s = (await rest(worker.url, 'GET', `/connectors/${c.name}/status`)).body as {
            connector?: { state: string };
            tasks?: { state: string }[];
          };
          if (c.state === 'FAILED') return s.tasks?.[0]?.state === 'FAILED';
          if (c.state === 'STOPPED') return s.connector?.state === 'STOPPED';
          return s.connector?.state === c.state && s.tasks?.[0]?.state === c.state;
        },
        60_000,
      );
    }
  }, 180_000);

  afterAll(async () => {
    await worker?.kill();
  });

  it('answers every malformed request with a 4xx JSON error (or a 2xx), and keeps serving', async () => {
    const before = await snapshot();
    const levelBefore = (await rest(worker.url, 'GET', `/admin/loggers/${logger}`)).body;
    const random = seeded(14);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const routes: { method: string; path: string }[] = [
      { method: 'GET', path: '/' },
      { method: 'GET', path: '/health' },
      { method: 'GET', path: '/connectors' },
      { method: 'POST', path: '/connectors' },
      { method: 'GET', path: `/connectors/${victim}` },
      { method: 'DELETE', path: `/connectors/${victim}` },
      { method: 'GET', path: `/connectors/${victim}/config` },
      { method: 'PUT', path: `/connectors/${victim}/config` },
      { method: 'PATCH', path: `/connectors/${victim}/config` },
      { method: 'GET', path: `/connectors/${victim}/status` },
      { method: 'GET', path: `/connectors/${victim}/tasks` },
      { method: 'GET', path: `/connectors/${victim}/tasks/0/status` },
      { method: 'POST', path: `/connectors/${victim}/tasks/0/restart` },
      { method: 'POST', path: `/connectors/${victim}/restart?includeTasks=true&onlyFailed=false` },
      { method: 'PUT', path: `/connectors/${victim}/pause` },
      { method: 'PUT', path: `/connectors/${victim}/resume` },
      { method: 'PUT', path: `/connectors/${victim}/stop` },
      { method: 'GET', path: `/connectors/${victim}/topics` },
      { method: 'PUT', path: `/connectors/${victim}/topics/reset` },
      { method: 'GET', path: `/connectors/${victim}/offsets` },
      { method: 'PATCH', path: `/connectors/${victim}/offsets` },
      { method: 'DELETE', path: `/connectors/${victim}/offsets` },
      { method: 'GET', path: '/connector-plugins' },
      { method: 'GET', path: '/connector-plugins?connectorsOnly=false' },
      { method: 'PUT', path: '/connector-plugins/FileStreamSink/config/validate' },
      {
        method: 'PUT',
        path: '/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate',
      },
      { method: 'PUT', path: '/connector-plugins/NoSuchConnector/config/validate' },
      { method: 'GET', path: '/admin/loggers' },
      { method: 'GET', path: `/admin/loggers/${logger}` },
      { method: 'PUT', path: `/admin/loggers/${logger}` },
      { method: 'PUT', path: `/admin/loggers/${logger}?scope=cluster` },
    ];

    // The case list is built first, then sent eight at a time: concurrent requests are part of
    // the test, and most lookups wait on the config topic, so one at a time would take minutes.
    const cases: (() => Promise<void>)[] = [];
    const queue = (...args: Parameters<typeof check>) => {
      cases.push(() => check(...args));
    };
    // 1. Every route with every malformed body, as JSON; then a random wrong content type.
    for (const route of routes) {
      for (const { body } of MALFORMED_BODIES) queue(route.method, route.path, body);
      const { body } = pick(MALFORMED_BODIES);
      queue(
        route.method,
        route.path,
        body,
        pick(['text/plain', 'application/xml', 'multipart/form-data', '']),
      );
    }

    // 2. Every path with every method (wrong methods are 405, unknown paths 404).
    for (const path of new Set(routes.map((r) => r.path))) {
      for (const method of METHODS)
        queue(method, path, method === 'GET' || method === 'HEAD' ? undefined : pick(MALFORMED_BODIES).body);
    }

    // 3. Odd paths, with each method and a random body.
    for (const path of ODD_PATHS) {
      for (const method of METHODS) {
        queue(method, path, method === 'GET' || method === 'HEAD' ? undefined : pick(MALFORMED_BODIES).body);
      }
    }

    // 4. The offsets API of a source and a sink in every state: GET, malformed PATCHes, DELETE.
    //    DELETE of a stopped connector's offsets is valid (200) and changes offsets, not the
    //    connector; in the other states it is a 400.
    for (const c of kept) {
      queue('GET', `/connectors/${c.name}/offsets`);
      for (const { body } of MALFORMED_BODIES) queue('PATCH', `/connectors/${c.name}/offsets`, body);
      queue('DELETE', `/connectors/${c.name}/offsets`);
      queue('GET', `/connectors/${c.name}/tasks/0/status`);
      queue('GET', `/connectors/${c.name}/topics`);
    }

    // 5. Seeded mixes: random connector, route suffix, method and body.
    const suffixes = [
      '',
      '/config',
      '/status',
      '/tasks',
      '/tasks/0/status',
      '/offsets',
      '/topics',
      '/restart',
    ];
    for (let i = 0; i < 150; i++) {
      const name = pick([victim, ...kept.map((c) => c.name)]);
      const suffix = pick(suffixes);
      const method = suffix === '/offsets' ? pick(['GET', 'PATCH']) : 'GET';
      queue(
        method,
        `/connectors/${name}${suffix}`,
        method === 'GET' ? undefined : pick(MALFORMED_BODIES).body,
      );
    }

    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < cases.length) await cases[next++]?.();
      }),
    );

    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(1000);
    expect(worker.child.exitCode).toBeNull();
    const root = await rest(worker.url, 'GET', '/');
    expect(root.status).toBe(200);
    expect(root.body).toMatchObject({ version: expect.any(String) });
    expect(await snapshot()).toEqual(before);
    // The logger the fuzz aimed at kept its level: no malformed body set one.
    expect((await rest(worker.url, 'GET', `/admin/loggers/${logger}`)).body).toEqual(levelBefore);
  }, 600_000);
});
