import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorState } from '../entities.js';
import type { TaskSetup } from './task-setup.js';
import { traceOf } from './task-status.js';
import { TaskThreadPool } from './task-thread-pool.js';
import { ThreadedTask } from './threaded-task.js';

/**
 * A stand-in task thread speaking the protocol of task-thread-messages.ts; what it does depends on
 * the connector's name. Plain JavaScript in a data: URL, so it runs without a TypeScript loader.
 */
const FAKE_THREAD = `
import { parentPort, threadId } from 'node:worker_threads';
const tasks = new Map();
parentPort.on('message', (m) => {
  const post = (x) => parentPort.postMessage({ ...x, id: m.id });
  if (m.type === 'start') {
    tasks.set(m.id, m.start);
    const name = m.start.connector;
    if (name === 'slow-start') return setTimeout(() => post({ type: 'status', state: 'RUNNING' }), 50);
    if (name === 'start-fails') return post({ type: 'start-failed', trace: 'org.apache.kafka.connect.errors.ConnectException: no table\\n\\tat open' });
    post({ type: 'status', state: m.start.initiallyPaused ? 'PAUSED' : 'RUNNING' });
    post({ type: 'topic', topic: 'thread-' + threadId });
    post({ type: 'metrics', delta: { recordsIn: 5, recordsOut: 4, recordsSkipped: 1, putSeconds: [0.5], commitSeconds: [0.25] } });
    post({ type: 'started' });
    if (name === 'fails-later') post({ type: 'status', state: 'FAILED', trace: 'org.apache.kafka.connect.errors.DataException: bad record' });
    if (name === 'crashes') setTimeout(() => { throw new Error('thread blew up'); }, 10);
    if (name === 'exits') setTimeout(() => process.exit(3), 10);
  } else if (m.type === 'pause') post({ type: 'status', state: 'PAUSED' });
  else if (m.type === 'resume') post({ type: 'status', state: 'RUNNING' });
  else if (m.type === 'log-levels') for (const id of tasks.keys()) parentPort.postMessage({ type: 'topic', id, topic: 'levels ' + JSON.stringify(m.levels) });
  else if (m.type === 'stop' && tasks.get(m.id)?.connector !== 'hangs') { tasks.delete(m.id); post({ type: 'stopped' }); }
});
`;
const FAKE_URL = new URL(`data:text/javascript,${encodeURIComponent(FAKE_THREAD)}`);

interface Seen {
  states: { state: ConnectorState; trace?: string }[];
  topics: string[];
  metrics: Record<string, number[]>;
}

function fakeSetup(connector: string): { setup: TaskSetup; seen: Seen } {
  const seen: Seen = { states: [], topics: [], metrics: {} };
  const add = (name: string, value: number) => {
    seen.metrics[name] = [...(seen.metrics[name] ?? []), value];
  };
  const count = (name: string) => ({
    inc: (n = 1) => add(name, n),
    observe: (s: number) => add(name, s),
  });
  const setup = {
    connector,
    taskId: 0,
    plugin: undefined as unknown as TaskSetup['plugin'],
    taskConfig: { 'connection.password': 'hunter22' },
    connectorConfig: {},
    worker: {
      keyConverter: 'org.apache.kafka.connect.json.JsonConverter',
      keyConverterConfig: {},
      valueConverter: 'org.apache.kafka.connect.json.JsonConverter',
      valueConverterConfig: {},
      offsetFlushIntervalMs: 1000,
      clientOverridePolicy: 'All',
    },
    client: { bootstrapServers: ['127.0.0.1:1'], clientId: 'x' },
    clients: undefined as unknown as TaskSetup['clients'],
    logger: pino({ level: 'silent' }),
    report: (state: ConnectorState, error?: unknown) =>
      seen.states.push(error === undefined ? { state } : { state, trace: traceOf(error) }),
    metrics: {
      recordsIn: count('in'),
      recordsOut: count('out'),
      recordsSkipped: count('skipped'),
      putLatency: count('put'),
      commitLatency: count('commit'),
    },
    onTopicUsed: (topic: string) => seen.topics.push(topic),
  } satisfies TaskSetup;
  return { setup, seen };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('ThreadedTask', () => {
  let pool: TaskThreadPool;
  let levels: Record<string, string> = { root: 'INFO' };
  const levelListeners = new Set<() => void>();
  afterEach(async () => {
    levelListeners.clear();
    await pool?.close();
  });
  const task = (connector: string, stopTimeoutMs?: number) => {
    const { setup, seen } = fakeSetup(connector);
    const runner = new ThreadedTask({
      pool,
      setup,
      fileStreamAllowedDirs: [],
      logger: pino({ level: 'silent' }),
      logLevels: () => levels,
      onLogLevelsChanged: (listener: () => void) => {
        levelListeners.add(listener);
        return () => levelListeners.delete(listener);
      },
      ...(stopTimeoutMs === undefined ? {} : { stopTimeoutMs }),
    });
    return { runner, seen };
  };

  it("brings the thread's status, topics and metrics to the worker, and pause and resume to the thread", async () => {
    pool = new TaskThreadPool(FAKE_URL);
    const { runner, seen } = task('ok');
    await runner.start(false);
    await until(() => seen.topics.length === 1);
    expect(seen.states).toEqual([{ state: 'RUNNING' }]);
    await until(() => seen.metrics.commit !== undefined);
    expect(seen.metrics).toEqual({ in: [5], out: [4], skipped: [1], put: [0.5], commit: [0.25] });
    runner.pause();
    await until(() => seen.states.length === 2);
    runner.resume();
    await until(() => seen.states.length === 3);
    expect(seen.states.map((s) => s.state)).toEqual(['RUNNING', 'PAUSED', 'RUNNING']);
    await runner.stop();
  });

  it("sends the worker's logger levels when an operator changes them", async () => {
    pool = new TaskThreadPool(FAKE_URL);
    levels = { root: 'INFO' };
    const { runner, seen } = task('ok');
    await runner.start(false);
    await until(() => seen.topics.length === 1);
    levels = { root: 'INFO', 'org.msa.connect.runtime': 'DEBUG' };
    for (const listener of levelListeners) listener();
    await until(() => seen.topics.length === 2);
    expect(seen.topics[1]).toBe('levels {"root":"INFO","org.msa.connect.runtime":"DEBUG"}');
    await runner.stop();
    expect(levelListeners.size).toBe(0);
  });

  it('reports a RUNNING the thread sent before it had the pause as PAUSED', async () => {
    pool = new TaskThreadPool(FAKE_URL);
    const { runner, seen } = task('slow-start');
    await runner.start(false);
    runner.pause();
    await until(() => seen.states.length === 2);
    expect(seen.states.map((s) => s.state)).toEqual(['PAUSED', 'PAUSED']);
    await runner.stop();
  });

  it('runs the next task on the thread a stopped task left, without a new thread', async () => {
    pool = new TaskThreadPool(FAKE_URL);
    const first = task('ok');
    await first.runner.start(false);
    await first.runner.stop();
    const second = task('ok');
    await second.runner.start(true);
    await until(() => second.seen.topics.length === 1);
    expect(second.seen.states).toEqual([{ state: 'PAUSED' }]);
    expect(second.seen.topics).toEqual(first.seen.topics);
    expect(pool.size).toBe(1);
    await second.runner.stop();
  });

  it('spreads tasks over at most its maximum of threads, then shares them; a message reaches only its task', async () => {
    pool = new TaskThreadPool(FAKE_URL, 2);
    const tasks = ['ok', 'ok', 'ok'].map((name) => task(name));
    for (const t of tasks) await t.runner.start(false);
    await until(() => tasks.every((t) => t.seen.topics.length === 1));
    expect(pool.size).toBe(2);
    expect(new Set(tasks.map((t) => t.seen.topics[0])).size).toBe(2);
    tasks[2]?.runner.pause();
    await until(() => tasks[2]?.seen.states.length === 2);
    expect(tasks.map((t) => t.seen.states.map((s) => s.state))).toEqual([
      ['RUNNING'],
      ['RUNNING'],
      ['RUNNING', 'PAUSED'],
    ]);
    for (const t of tasks) await t.runner.stop();
    expect(pool.size).toBe(2);
  });

  it("reports FAILED with the thread's own trace when the task cannot start", async () => {
    pool = new TaskThreadPool(FAKE_URL);
    const { runner, seen } = task('start-fails');
    // As Apache's executor: start returns once the thread has the task, not once it runs.
    await runner.start(false);
    await until(() => seen.states.length === 1);
    expect(seen.states).toEqual([
      { state: 'FAILED', trace: 'org.apache.kafka.connect.errors.ConnectException: no table\n\tat open' },
    ]);
    await runner.stop();
  });

  it('reports FAILED with the trace made on the thread', async () => {
    pool = new TaskThreadPool(FAKE_URL);
    const { runner, seen } = task('fails-later');
    await runner.start(false);
    await until(() => seen.states.length === 2);
    expect(seen.states[0]).toEqual({ state: 'RUNNING' });
    expect(seen.states[1]).toEqual({
      state: 'FAILED',
      trace: 'org.apache.kafka.connect.errors.DataException: bad record',
    });
    await runner.stop();
  });

  it('fails the task, once, when its thread dies of an uncaught error or exits', async () => {
    pool = new TaskThreadPool(FAKE_URL);
    const crashed = task('crashes');
    await crashed.runner.start(false);
    await until(() => crashed.seen.topics.length === 1);
    await until(() => crashed.seen.states.some((s) => s.state === 'FAILED'));
    const failed = crashed.seen.states.filter((s) => s.state === 'FAILED');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.trace).toContain('thread blew up');
    await crashed.runner.stop();

    const exited = task('exits');
    await exited.runner.start(false);
    await until(() => exited.seen.states.some((s) => s.state === 'FAILED'));
    expect(exited.seen.states.at(-1)?.trace).toContain('The task thread exited with code 3');
    await exited.runner.stop();
    expect(pool.size).toBe(0);
  });

  it('ends a thread whose task does not stop in time, and does not reuse it', async () => {
    pool = new TaskThreadPool(FAKE_URL, 1);
    const hung = task('hangs', 100);
    await hung.runner.start(false);
    await until(() => hung.seen.topics.length === 1);
    await hung.runner.stop();
    await until(() => pool.size === 0);
    const next = task('ok');
    await next.runner.start(false);
    await until(() => next.seen.topics.length === 1);
    expect(next.seen.topics).not.toEqual(hung.seen.topics);
    await next.runner.stop();
  });
});
