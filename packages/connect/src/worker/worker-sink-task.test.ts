import { EventEmitter } from 'node:events';
import type { Admin, KafkaClients, RawConsumer } from '@msa-sync/kafka';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { SinkTask, SinkTaskContext } from '../api/connector.js';
import type { SinkRecord, TopicPartition } from '../api/records.js';
import type { ConnectorState } from '../entities.js';
import type { RecordConverter } from './converter-contract.js';
import { errorHandlingConfig } from './error-handling.js';
import type { TaskMetrics } from './worker-metrics.js';
import { WorkerSinkTask } from './worker-sink-task.js';

type Assignment = { topic: string; partitions: number[] }[];

/** The client's message stream: the test pushes messages, the task pauses and closes it. */
class FakeStream extends EventEmitter {
  closed = false;
  pause(): void {}
  resume(): void {}
  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * A consumer in the connector's group as the task sees it: consume() joins with the assignment
 * the test chose, commit() records (or fails, when told to), rebalance() runs the client's
 * before-rejoin hook and then reports the new assignment.
 */
class FakeConsumer extends EventEmitter {
  beforeRejoin: ((proceed: () => void) => void) | undefined;
  stream: FakeStream | undefined;
  commits: string[][] = [];
  failingCommits = 0;
  constructor(
    readonly events: string[],
    public assignment: Assignment,
  ) {
    super();
  }

  async consume(): Promise<FakeStream> {
    this.stream = new FakeStream();
    this.emit('consumer:group:join', { assignments: this.assignment });
    return this.stream;
  }

  async commit(options: { offsets: { topic: string; partition: number; offset: bigint }[] }): Promise<void> {
    const offsets = options.offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).sort();
    if (this.failingCommits > 0) {
      this.failingCommits--;
      this.events.push(`commit failed ${offsets.join(' ')}`);
      throw new Error('REBALANCE_IN_PROGRESS');
    }
    this.events.push(`commit ${offsets.join(' ')}`);
    this.commits.push(offsets);
  }

  /** Messages arriving from the broker. */
  push(topic: string, partition: number, offsets: number[]): void {
    for (const offset of offsets) {
      this.stream?.emit('data', {
        topic,
        partition,
        offset: BigInt(offset),
        key: undefined,
        value: Buffer.from(`${topic}-${partition}-${offset}`),
        headers: new Map(),
        timestamp: 0n,
      });
    }
  }

  /** A planned rebalance: the hook runs (the task commits), then the new assignment arrives. */
  async rebalance(assignment: Assignment): Promise<void> {
    await new Promise<void>((proceed) => {
      if (this.beforeRejoin) this.beforeRejoin(proceed);
      else proceed();
    });
    this.events.push('rejoin');
    this.assignment = assignment;
    this.emit('consumer:group:join', { assignments: assignment });
  }

  leaveGroup(_force: boolean, callback: () => void): void {
    this.events.push('leave group');
    callback();
  }

  close(_force: boolean, callback: () => void): void {
    this.events.push('close consumer');
    callback();
  }
}

/** A sink task whose puts the test may hold, writing down what the worker calls. */
class RecordingTask implements SinkTask {
  context: SinkTaskContext | undefined;
  /** A put() waits for this while set. */
  hold: Promise<void> | undefined;
  /** The next put() with records throws this (after `hold`). */
  failPut: Error | undefined;
  failPreCommit = false;
  constructor(readonly events: string[]) {}

  start(_config: Record<string, string>, context: SinkTaskContext): void {
    this.context = context;
  }
  open(partitions: TopicPartition[]): void {
    this.events.push(`open ${keys(partitions)}`);
  }
  close(partitions: TopicPartition[]): void {
    this.events.push(`close ${keys(partitions)}`);
  }
  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.events.push(`put ${records.map((r) => String(r.value)).join(' ')}`);
    await this.hold;
    const failure = this.failPut;
    if (failure) {
      this.failPut = undefined;
      this.events.push(`put failed: ${failure.message}`);
      throw failure;
    }
    this.events.push('put done');
  }
  preCommit(
    current: Map<string, { topicPartition: TopicPartition; offset: bigint }>,
  ): Map<string, { topicPartition: TopicPartition; offset: bigint }> {
    if (this.failPreCommit) throw new Error('the database refused the buffered rows');
    return current;
  }
  stop(): void {
    this.events.push('task stop');
  }
}

const keys = (partitions: TopicPartition[]) =>
  partitions
    .map((p) => `${p.topic}-${p.partition}`)
    .sort()
    .join(',');

const stringConverter: RecordConverter = {
  fromConnectData: (_topic, _schema, value) => (value === null ? null : Buffer.from(String(value))),
  toConnectData: (_topic, bytes) => ({ schema: null, value: bytes?.toString() ?? null }),
};

const metrics: TaskMetrics = {
  recordsIn: { inc: () => {} },
  recordsOut: { inc: () => {} },
  recordsSkipped: { inc: () => {} },
  putLatency: { observe: () => {} },
  commitLatency: { observe: () => {} },
};

function setup(
  assignment: Assignment = [{ topic: 'orders', partitions: [0, 1] }],
  options: { maxBatch?: number; logConversions?: boolean } = {},
) {
  const events: string[] = [];
  const valueConverter: RecordConverter = options.logConversions
    ? {
        ...stringConverter,
        toConnectData: (topic, bytes) => {
          events.push(`convert ${bytes?.toString()}`);
          return stringConverter.toConnectData(topic, bytes);
        },
      }
    : stringConverter;
  const consumer = new FakeConsumer(events, assignment);
  const task = new RecordingTask(events);
  const states: { state: ConnectorState; error?: unknown }[] = [];
  const admin = {
    listTopics: async () => ['orders'],
    close: async () => {},
    on: () => {},
  };
  const clients = {
    createConsumer: () => consumer as unknown as RawConsumer,
    createAdmin: () => admin as unknown as Admin,
    createProducer: () => {
      throw new Error('no dead letter queue configured: no producer expected');
    },
  } as unknown as KafkaClients;
  const runner = new WorkerSinkTask({
    connector: 'sink',
    taskId: 0,
    task,
    taskConfig: {},
    topics: ['orders'],
    topicsRegex: undefined,
    client: { bootstrapServers: ['127.0.0.1:1'], clientId: 'test' },
    clients,
    keyConverter: stringConverter,
    valueConverter,
    errors: errorHandlingConfig({}),
    // Commits happen when the test asks for them (requestCommit), not on a timer.
    offsetCommitIntervalMs: 3_600_000,
    logger: pino({ level: 'silent' }),
    report: (state, error) => states.push({ state, error }),
    metrics,
    onTopicUsed: () => {},
    maxBatch: options.maxBatch,
  });
  return { events, consumer, task, states, runner };
}

/** Resolves when `condition` holds (the task's loop runs on its own timers). */
async function until(what: string, condition: () => boolean): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`still waiting for: ${what}`);
    },
    { timeout: 5000, interval: 5 },
  );
}

function held(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe('WorkerSinkTask (fake consumer through the injected clients)', () => {
  it('delivers, commits what was put, and on stop commits, stops the task, then leaves the group', async () => {
    const t = setup();
    await t.runner.start(false);
    await until('the assigned partitions opened', () => t.events.includes('open orders-0,orders-1'));
    t.consumer.push('orders', 0, [0, 1]);
    await until('the records put', () => t.events.includes('put done'));
    t.task.context?.requestCommit();
    await until('a commit', () => t.consumer.commits.length === 1);
    expect(t.consumer.commits[0]).toEqual(['orders-0@2']);
    await t.runner.stop();
    // Nothing new since the last commit: stop sends none, and the group is left last.
    expect(t.events.slice(t.events.indexOf('commit orders-0@2') + 1)).toEqual([
      'task stop',
      'leave group',
      'close consumer',
    ]);
    expect(t.states.map((s) => s.state)).toEqual(['RUNNING']);
  });

  it('a rebalance with records buffered: what was put is committed before the rejoin, and the revoked partition’s buffered records are never put', async () => {
    const t = setup();
    await t.runner.start(false);
    await until('the assigned partitions opened', () => t.events.includes('open orders-0,orders-1'));
    const put = held();
    t.task.hold = put.promise;
    t.consumer.push('orders', 0, [0]);
    await until('the first put started', () => t.events.includes('put orders-0-0'));
    // Arrive while put() is busy: buffered in the worker.
    t.consumer.push('orders', 0, [1]);
    t.consumer.push('orders', 1, [0, 1]);
    const rebalance = t.consumer.rebalance([{ topic: 'orders', partitions: [0] }]);
    t.task.hold = undefined;
    put.release();
    await rebalance;
    await until('the revoked partition closed', () => t.events.includes('close orders-1'));
    await until('the kept partition’s buffered record put', () => t.events.includes('put orders-0-1'));
    // The commit before the rejoin covers exactly what put() had been given then.
    const rejoin = t.events.indexOf('rejoin');
    expect(t.events.slice(0, rejoin)).toContain('commit orders-0@1');
    expect(t.events.slice(0, rejoin).filter((e) => e.startsWith('put orders'))).toEqual(['put orders-0-0']);
    // Nothing is delivered while the rejoin is under way.
    expect(t.events.indexOf('put orders-0-1')).toBeGreaterThan(t.events.indexOf('close orders-1'));
    // The revoked partition's records are its next owner's.
    expect(t.events.some((e) => e.includes('orders-1-'))).toBe(false);
    t.task.context?.requestCommit();
    await until('the commit after the rebalance', () => t.consumer.commits.length === 2);
    expect(t.consumer.commits[1]).toEqual(['orders-0@2']);
    await t.runner.stop();
  });

  it('a failed offset commit keeps the task running and is retried with the same offsets', async () => {
    const t = setup();
    await t.runner.start(false);
    await until('the assigned partitions opened', () => t.events.includes('open orders-0,orders-1'));
    t.consumer.push('orders', 1, [5, 6, 7]);
    await until('the records put', () => t.events.includes('put done'));
    t.consumer.failingCommits = 1;
    t.task.context?.requestCommit();
    await until('the failed commit', () => t.events.includes('commit failed orders-1@8'));
    t.task.context?.requestCommit();
    await until('the commit retried', () => t.consumer.commits.length === 1);
    expect(t.consumer.commits[0]).toEqual(['orders-1@8']);
    expect(t.states.map((s) => s.state)).toEqual(['RUNNING']);
    await t.runner.stop();
  });

  it('a preCommit that fails fails the task, commits nothing, and the task leaves the group', async () => {
    const t = setup();
    await t.runner.start(false);
    await until('the assigned partitions opened', () => t.events.includes('open orders-0,orders-1'));
    t.consumer.push('orders', 0, [0]);
    await until('the records put', () => t.events.includes('put done'));
    t.task.failPreCommit = true;
    t.task.context?.requestCommit();
    await until('the task failed', () => t.states.some((s) => s.state === 'FAILED'));
    expect(String(t.states.at(-1)?.error)).toContain('the database refused the buffered rows');
    await until('the group left', () => t.events.includes('leave group'));
    expect(t.consumer.commits).toEqual([]);
    await t.runner.stop();
  });

  it('stop during a put waits for the put, commits it, then stops the task and leaves the group', async () => {
    const t = setup();
    await t.runner.start(false);
    await until('the assigned partitions opened', () => t.events.includes('open orders-0,orders-1'));
    const put = held();
    t.task.hold = put.promise;
    t.consumer.push('orders', 0, [0, 1, 2]);
    await until('the put started', () => t.events.includes('put orders-0-0 orders-0-1 orders-0-2'));
    const stopped = t.runner.stop();
    // More records arriving meanwhile are not delivered any more.
    t.consumer.push('orders', 0, [3]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.events).not.toContain('task stop');
    put.release();
    await stopped;
    const afterPut = t.events.slice(t.events.indexOf('put done') + 1);
    expect(afterPut).toEqual(['commit orders-0@3', 'task stop', 'leave group', 'close consumer']);
  });

  describe('converting the next batch while put() writes', () => {
    const converted = (events: string[], value: string) => events.indexOf(`convert ${value}`);

    it('converts the next batch during the put, and puts it only after that put returned', async () => {
      const t = setup(undefined, { maxBatch: 2, logConversions: true });
      await t.runner.start(false);
      await until('the assigned partitions opened', () => t.events.includes('open orders-0,orders-1'));
      const put = held();
      t.task.hold = put.promise;
      t.consumer.push('orders', 0, [0, 1, 2, 3]);
      await until('the first put started', () => t.events.includes('put orders-0-0 orders-0-1'));
      await until('the next batch converted', () => converted(t.events, 'orders-0-3') >= 0);
      // Converted while the first put() is still writing; not handed to the task yet.
      expect(t.events).not.toContain('put done');
      expect(t.events.filter((e) => e.startsWith('put orders'))).toEqual(['put orders-0-0 orders-0-1']);
      t.task.hold = undefined;
      put.release();
      await until('the second batch put', () => t.events.includes('put orders-0-2 orders-0-3'));
      expect(t.events.indexOf('put orders-0-2 orders-0-3')).toBeGreaterThan(t.events.indexOf('put done'));
      // Each record converted once.
      expect(t.events.filter((e) => e === 'convert orders-0-2')).toHaveLength(1);
      t.task.context?.requestCommit();
      await until('a commit', () => t.consumer.commits.length === 1);
      expect(t.consumer.commits[0]).toEqual(['orders-0@4']);
      await t.runner.stop();
    });

    it('a put that fails for good fails the task; the batch converted ahead is never put nor committed', async () => {
      const t = setup(undefined, { maxBatch: 2, logConversions: true });
      await t.runner.start(false);
      await until('the assigned partitions opened', () => t.events.includes('open orders-0,orders-1'));
      t.consumer.push('orders', 0, [0, 1]);
      await until('the first put', () => t.events.includes('put done'));
      t.task.context?.requestCommit();
      await until('the first commit', () => t.consumer.commits.length === 1);
      const put = held();
      t.task.hold = put.promise;
      t.task.failPut = new Error('the database is read-only');
      t.consumer.push('orders', 0, [2, 3, 4, 5]);
      await until('the next batch converted', () => converted(t.events, 'orders-0-5') >= 0);
      t.task.context?.requestCommit();
      put.release();
      await until('the task failed', () => t.states.some((s) => s.state === 'FAILED'));
      expect(String(t.states.at(-1)?.error)).toContain('the database is read-only');
      await until('the group left', () => t.events.includes('leave group'));
      expect(t.consumer.commits).toEqual([['orders-0@2']]);
      expect(t.events.some((e) => e.startsWith('put orders-0-4'))).toBe(false);
      await t.runner.stop();
    });

    it('a RetriableException from put: the same records are put again first, and only what was put is committed', async () => {
      const t = setup(undefined, { maxBatch: 2, logConversions: true });
      await t.runner.start(false);
      await until('the assigned partitions opened', () => t.events.includes('open orders-0,orders-1'));
      const put = held();
      t.task.hold = put.promise;
      t.task.failPut = Object.assign(new Error('lock wait timeout'), {
        name: 'RetriableException',
        retriable: true,
      });
      t.consumer.push('orders', 0, [0, 1, 2, 3]);
      await until('the next batch converted', () => converted(t.events, 'orders-0-3') >= 0);
      t.task.hold = undefined;
      put.release();
      await until('the put failed', () => t.events.includes('put failed: lock wait timeout'));
      // Nothing was put yet: a commit now has nothing to send, the converted batch included.
      t.task.context?.requestCommit();
      await until('the batch put again', () => t.events.includes('put done'));
      const puts = t.events.filter((e) => e.startsWith('put orders'));
      expect(puts).toEqual([
        'put orders-0-0 orders-0-1',
        'put orders-0-0 orders-0-1',
        'put orders-0-2 orders-0-3',
      ]);
      // The same records again, not converted again.
      expect(t.events.filter((e) => e === 'convert orders-0-0')).toHaveLength(1);
      // The commit asked for before the records were put again sent nothing.
      expect(t.events.findIndex((e) => e.startsWith('commit'))).toBe(-1);
      t.task.context?.requestCommit();
      await until('the commit of both batches', () => t.consumer.commits.length === 1);
      expect(t.consumer.commits[0]).toEqual(['orders-0@4']);
      expect(t.states.map((s) => s.state)).toEqual(['RUNNING']);
      await t.runner.stop();
    });

    it('a rebalance drops the records of revoked partitions from the batch converted ahead', async () => {
      const t = setup(undefined, { maxBatch: 2, logConversions: true });
      await t.runner.start(false);
      await until('the assigned partitions opened', () => t.events.includes('open orders-0,orders-1'));
      const put = held();
      t.task.hold = put.promise;
      t.consumer.push('orders', 0, [0, 1]);
      t.consumer.push('orders', 1, [0, 1]);
      t.consumer.push('orders', 0, [2]);
      await until('the first put started', () => t.events.includes('put orders-0-0 orders-0-1'));
      await until('the next batch converted', () => converted(t.events, 'orders-1-1') >= 0);
      const rebalance = t.consumer.rebalance([{ topic: 'orders', partitions: [0] }]);
      t.task.hold = undefined;
      put.release();
      await rebalance;
      await until('the revoked partition closed', () => t.events.includes('close orders-1'));
      await until('the kept partition’s next record put', () => t.events.includes('put orders-0-2'));
      // The commit before the rejoin covers what was put, not the batch converted ahead.
      const rejoin = t.events.indexOf('rejoin');
      expect(t.events.slice(0, rejoin)).toContain('commit orders-0@2');
      expect(t.events.filter((e) => e.startsWith('put ') && e.includes('orders-1-'))).toEqual([]);
      t.task.context?.requestCommit();
      await until('the commit after the rebalance', () => t.consumer.commits.length === 2);
      expect(t.consumer.commits[1]).toEqual(['orders-0@3']);
      await t.runner.stop();
    });

    it('paused, the batch converted ahead waits; resumed, it is put, and committed only then', async () => {
      const t = setup(undefined, { maxBatch: 2, logConversions: true });
      await t.runner.start(false);
      await until('the assigned partitions opened', () => t.events.includes('open orders-0,orders-1'));
      const put = held();
      t.task.hold = put.promise;
      t.consumer.push('orders', 0, [0, 1, 2, 3]);
      await until('the next batch converted', () => converted(t.events, 'orders-0-3') >= 0);
      t.runner.pause();
      t.task.hold = undefined;
      put.release();
      await until('the first put done', () => t.events.includes('put done'));
      t.task.context?.requestCommit();
      await until('the commit while paused', () => t.consumer.commits.length === 1);
      expect(t.consumer.commits[0]).toEqual(['orders-0@2']);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(t.events.filter((e) => e.startsWith('put orders'))).toEqual(['put orders-0-0 orders-0-1']);
      t.runner.resume();
      await until('the batch put after resume', () => t.events.includes('put orders-0-2 orders-0-3'));
      t.task.context?.requestCommit();
      await until('the commit after resume', () => t.consumer.commits.length === 2);
      expect(t.consumer.commits[1]).toEqual(['orders-0@4']);
      await t.runner.stop();
    });
  });
});
