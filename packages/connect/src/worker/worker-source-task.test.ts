import type { KafkaClients, OutgoingMessage, ProducerSettings, RawProducer } from '@msa-sync/kafka';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { SourceTask, SourceTaskContext } from '../api/connector.js';
import type { SourceRecord } from '../api/records.js';
import type { ConnectorState } from '../entities.js';
import type { ConnectorOffsetBackingStore, OffsetEntry } from '../storage/connector-offset-store.js';
import type { RecordConverter } from './converter-contract.js';
import { errorHandlingConfig } from './error-handling.js';
import {
  OWN_OFFSETS_TOPIC_MESSAGE,
  type SourceTransaction,
  type TransactionalSourceProducer,
} from './exactly-once-source.js';
import type { TaskMetrics } from './worker-metrics.js';
import { type FencingGate, type SourceTaskRunnerOptions, WorkerSourceTask } from './worker-source-task.js';

/** A source task whose polls the test answers one at a time. */
class SteppedTask implements SourceTask {
  commits = 0;
  polls = 0;
  #pending: ((records: SourceRecord[] | null) => void) | undefined;
  #polled: (() => void) | undefined;
  #nextPoll = new Promise<void>((resolve) => {
    this.#polled = resolve;
  });

  start(_config: Record<string, string>, _context: SourceTaskContext): void {}
  poll(signal: AbortSignal): Promise<SourceRecord[] | null> {
    this.polls++;
    const answer = new Promise<SourceRecord[] | null>((resolve) => {
      this.#pending = resolve;
      signal.addEventListener('abort', () => resolve(null), { once: true });
    });
    this.#polled?.();
    return answer;
  }
  commit(): void {
    this.commits++;
  }
  stop(): void {}

  /** Answers the waiting poll, then waits until the worker polls again (the batch is handled). */
  async answer(records: SourceRecord[] | null): Promise<void> {
    await this.#nextPoll;
    this.#nextPoll = new Promise<void>((resolve) => {
      this.#polled = resolve;
    });
    this.#pending?.(records);
    await Promise.race([this.#nextPoll, new Promise((r) => setTimeout(r, 200))]);
  }
}

/** Records what the task does with its transactions. */
class FakeProducer implements TransactionalSourceProducer {
  events: string[] = [];
  failSendNumber = 0;
  #sends = 0;
  closed = false;

  async beginTransaction(): Promise<SourceTransaction> {
    this.events.push('begin');
    return {
      send: async ({ messages }: { messages: OutgoingMessage[] }) => {
        if (++this.#sends === this.failSendNumber) throw new Error('broker said no');
        this.events.push(`send ${messages.map((m) => `${m.topic}:${m.value?.toString()}`).join(' ')}`);
      },
      commit: async () => {
        this.events.push('commit');
      },
      abort: async () => {
        this.events.push('abort');
      },
      cancel: async () => {
        this.events.push('cancel');
      },
    };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const stringConverter: RecordConverter = {
  fromConnectData: (_topic, _schema, value) => (value === null ? null : Buffer.from(String(value))),
  toConnectData: () => ({ schema: null, value: null }),
};

const metrics: TaskMetrics = {
  recordsIn: { inc: () => {} },
  recordsOut: { inc: () => {} },
  recordsSkipped: { inc: () => {} },
  putLatency: { observe: () => {} },
  commitLatency: { observe: () => {} },
};

const record = (line: number, topic = 'lines'): SourceRecord => ({
  topic,
  key: null,
  keySchema: undefined,
  value: `line-${line}`,
  valueSchema: undefined,
  timestamp: undefined,
  headers: [],
  sourcePartition: { filename: 'in.txt' },
  sourceOffset: { position: line },
});

/**
 * A producer whose commits (and sends, when asked) wait until the test settles them: the
 * overlap of a commit with the next poll, held open.
 */
class GatedProducer extends FakeProducer {
  gateSends = false;
  readonly #gates: { what: string; resolve: () => void; reject: (error: Error) => void }[] = [];

  #gate(what: string): Promise<void> {
    this.events.push(`${what} requested`);
    return new Promise<void>((resolve, reject) => {
      this.#gates.push({ what, resolve, reject });
    });
  }

  /** The gated requests still waiting, oldest first. */
  get waiting(): string[] {
    return this.#gates.map((g) => g.what);
  }

  release(error?: Error): void {
    const gate = this.#gates.shift();
    if (!gate) throw new Error('nothing is waiting');
    if (error) gate.reject(error);
    else gate.resolve();
  }

  override async beginTransaction(): Promise<SourceTransaction> {
    const tx = await super.beginTransaction();
    return {
      ...tx,
      send: async (options) => {
        if (this.gateSends) await this.#gate('send');
        await tx.send(options);
      },
      commit: async () => {
        await this.#gate('commit');
        await tx.commit();
      },
    };
  }
}

function setup(
  options: {
    boundary?: 'poll' | 'interval';
    intervalMs?: number;
    producer?: FakeProducer;
    maxMessageBytes?: Record<string, number>;
  } = {},
) {
  let clock = 0;
  const task = new SteppedTask();
  const producer = options.producer ?? new FakeProducer();
  const described: string[] = [];
  const admin = {
    on: () => {},
    close: async () => {},
    listTopics: async () => ['lines', 'offsets'],
    describeConfigs: async ({ resources }: { resources: { resourceName: string }[] }) => {
      described.push(...resources.map((r) => r.resourceName));
      return resources.map((r) => ({
        resourceName: r.resourceName,
        configs: [
          { name: 'max.message.bytes', value: String(options.maxMessageBytes?.[r.resourceName] ?? 1048588) },
        ],
      }));
    },
  };
  const copies: OffsetEntry[][] = [];
  const states: { state: ConnectorState; error?: unknown }[] = [];
  const settings: ProducerSettings[] = [];
  const offsets = {
    primaryTopic: 'offsets',
    refresh: async () => {},
    get: () => null,
    set: async () => {},
    copyToWorkerTopic: async (_connector: string, entries: OffsetEntry[]) => {
      copies.push(entries);
    },
    close: async () => {},
  } as unknown as ConnectorOffsetBackingStore;
  const runner = new WorkerSourceTask({
    connector: 'c',
    taskId: 0,
    task,
    taskConfig: {},
    client: { bootstrapServers: ['127.0.0.1:1'], clientId: 'test' },
    offsets,
    keyConverter: stringConverter,
    valueConverter: stringConverter,
    errors: errorHandlingConfig({}),
    offsetFlushIntervalMs: 60_000,
    transactionalId: 'group-c-0',
    ...(options.boundary ? { transactionBoundary: options.boundary } : {}),
    ...(options.intervalMs === undefined ? {} : { transactionIntervalMs: options.intervalMs }),
    now: () => clock,
    clients: {
      createRawProducer: (s: ProducerSettings) => {
        settings.push(s);
        return producer as unknown as RawProducer;
      },
      createAdmin: () => admin,
    } as unknown as KafkaClients,
    logger: pino({ level: 'silent' }),
    report: (state, error) => states.push({ state, error }),
    metrics,
    onTopicUsed: () => {},
  });
  return {
    task,
    producer,
    copies,
    states,
    settings,
    described,
    runner,
    tick: (ms: number) => {
      clock += ms;
    },
  };
}

describe('WorkerSourceTask transaction boundaries (fake producer and clock)', () => {
  it('poll: each batch and its offsets in a transaction of their own', async () => {
    const t = setup();
    await t.runner.start(false);
    await t.task.answer([record(1), record(2)]);
    await t.task.answer([record(3)]);
    expect(t.producer.events).toEqual([
      'begin',
      'cancel',
      'begin',
      'send lines:line-1 lines:line-2 offsets:{"position":2}',
      'commit',
      'begin',
      'send lines:line-3 offsets:{"position":3}',
      'commit',
    ]);
    expect(t.copies).toHaveLength(2);
    expect(t.task.commits).toBe(2);
    await t.runner.stop();
    expect(t.producer.events).toHaveLength(8);
    expect(t.producer.closed).toBe(true);
  });

  it('interval: several polls in one transaction, committed with their offsets once the interval passed', async () => {
    const t = setup({ boundary: 'interval', intervalMs: 1000 });
    await t.runner.start(false);
    // The transaction may stay open past the client's request timeout: it asks for more.
    expect(t.settings[0]?.requestTimeoutMs).toBe(61_000);
    await t.task.answer([record(1)]);
    t.tick(400);
    await t.task.answer([record(2), record(3)]);
    t.tick(400);
    await t.task.answer(null);
    expect(t.producer.events).toEqual([
      'begin',
      'cancel',
      'begin',
      'send lines:line-1',
      'send lines:line-2 lines:line-3',
    ]);
    expect(t.task.commits).toBe(0);
    t.tick(200);
    // An empty poll after the interval commits too.
    await t.task.answer([]);
    expect(t.producer.events).toEqual([
      'begin',
      'cancel',
      'begin',
      'send lines:line-1',
      'send lines:line-2 lines:line-3',
      'send offsets:{"position":3}',
      'commit',
    ]);
    // The commit is handed off; the task's hook follows it.
    await vi.waitFor(() => expect(t.task.commits).toBe(1));
    expect(t.copies).toEqual([[{ partition: { filename: 'in.txt' }, offset: { position: 3 } }]]);
    // The next transaction starts with the next records; nothing is open meanwhile.
    t.tick(5000);
    await t.task.answer(null);
    expect(t.producer.events).toHaveLength(7);
    await t.task.answer([record(4)]);
    expect(t.producer.events.slice(7)).toEqual(['begin', 'send lines:line-4']);
    await t.runner.stop();
  });

  it('interval: the open transaction is committed at stop', async () => {
    const t = setup({ boundary: 'interval', intervalMs: 60_000 });
    await t.runner.start(false);
    await t.task.answer([record(1)]);
    await t.task.answer([record(2)]);
    expect(t.producer.events).not.toContain('commit');
    await t.runner.stop();
    expect(t.producer.events).toEqual([
      'begin',
      'cancel',
      'begin',
      'send lines:line-1',
      'send lines:line-2',
      'send offsets:{"position":2}',
      'commit',
    ]);
    expect(t.producer.closed).toBe(true);
    expect(t.states.map((s) => s.state)).toEqual(['RUNNING']);
  });

  it('interval: the open transaction is committed when the task is paused', async () => {
    const t = setup({ boundary: 'interval', intervalMs: 60_000 });
    await t.runner.start(false);
    await t.task.answer([record(1)]);
    t.runner.pause();
    await t.task.answer(null);
    expect(t.producer.events).toEqual([
      'begin',
      'cancel',
      'begin',
      'send lines:line-1',
      'send offsets:{"position":1}',
      'commit',
    ]);
    await t.runner.stop();
  });

  it('interval: a failed send aborts the open transaction, fails the task and commits nothing', async () => {
    const t = setup({ boundary: 'interval', intervalMs: 60_000 });
    t.producer.failSendNumber = 2;
    await t.runner.start(false);
    await t.task.answer([record(1)]);
    await t.task.answer([record(2)]);
    await t.runner.stop();
    expect(t.producer.events).toEqual(['begin', 'cancel', 'begin', 'send lines:line-1', 'abort']);
    expect(t.states.map((s) => s.state)).toEqual(['RUNNING', 'FAILED']);
    expect(String(t.states[1]?.error)).toContain('broker said no');
    expect(t.copies).toEqual([]);
    expect(t.task.commits).toBe(0);
  });

  it('interval: a failed commit aborts, and the task fails', async () => {
    const t = setup({ boundary: 'interval', intervalMs: 100 });
    t.producer.failSendNumber = 2; // the offsets' send inside the commit
    await t.runner.start(false);
    await t.task.answer([record(1)]);
    t.tick(100);
    await t.task.answer(null);
    await t.runner.stop();
    expect(t.producer.events).toEqual(['begin', 'cancel', 'begin', 'send lines:line-1', 'abort']);
    expect(t.states.map((s) => s.state)).toEqual(['RUNNING', 'FAILED']);
  });

  it("refuses records for the task's own offsets topic, as Apache", async () => {
    const t = setup({ boundary: 'interval', intervalMs: 100 });
    await t.runner.start(false);
    await t.task.answer([record(1, 'offsets')]);
    await t.runner.stop();
    expect(t.producer.events).toEqual(['begin', 'cancel']);
    expect(t.states.map((s) => s.state)).toEqual(['RUNNING', 'FAILED']);
    expect(String(t.states[1]?.error)).toBe(`Error: ${OWN_OFFSETS_TOPIC_MESSAGE}`);
  });
});

describe('WorkerSourceTask exactly once, pipelined: the next poll while the previous transaction commits', () => {
  it('poll: polls and converts batch N+1 while N commits, and begins N+1 only once N committed', async () => {
    const producer = new GatedProducer();
    const t = setup({ producer });
    await t.runner.start(false);
    await t.task.answer([record(1), record(2)]);
    // Batch 1's commit is in flight; the task is already polling batch 2.
    expect(producer.waiting).toEqual(['commit']);
    expect(t.task.polls).toBe(2);
    expect(t.task.commits).toBe(0);
    await t.task.answer([record(3)]);
    // Batch 2 is polled and converted, but no transaction of it begins before 1 committed.
    expect(producer.events).toEqual([
      'begin',
      'cancel',
      'begin',
      'send lines:line-1 lines:line-2 offsets:{"position":2}',
      'commit requested',
    ]);
    producer.release();
    await vi.waitFor(() => expect(producer.waiting).toEqual(['commit']));
    expect(producer.events.slice(4)).toEqual([
      'commit requested',
      'commit',
      'begin',
      'send lines:line-3 offsets:{"position":3}',
      'commit requested',
    ]);
    expect(t.copies.map((c) => c.map((e) => e.offset))).toEqual([[{ position: 2 }]]);
    expect(t.task.commits).toBe(1);
    // Stop waits for the commit in flight: the last batch is committed, not dropped.
    const stopped = t.runner.stop();
    await vi.waitFor(() => expect(t.task.polls).toBe(3));
    producer.release();
    await stopped;
    expect(producer.events.at(-1)).toBe('commit');
    expect(t.copies.map((c) => c.map((e) => e.offset))).toEqual([[{ position: 2 }], [{ position: 3 }]]);
    expect(t.states.map((s) => s.state)).toEqual(['RUNNING']);
  });

  it('poll: a failed commit fails the task; the batch polled meanwhile is never sent', async () => {
    const producer = new GatedProducer();
    const t = setup({ producer });
    await t.runner.start(false);
    await t.task.answer([record(1)]);
    await t.task.answer([record(2)]);
    expect(producer.waiting).toEqual(['commit']);
    producer.release(new Error('the coordinator refused the commit'));
    await vi.waitFor(() => expect(t.states.map((s) => s.state)).toEqual(['RUNNING', 'FAILED']));
    expect(String(t.states[1]?.error)).toContain('the coordinator refused the commit');
    await t.runner.stop();
    expect(producer.events).toEqual([
      'begin',
      'cancel',
      'begin',
      'send lines:line-1 offsets:{"position":1}',
      'commit requested',
      'abort',
    ]);
    // Nothing committed: the next run reads records 1 and 2 again from the committed offsets.
    expect(t.copies).toEqual([]);
    expect(t.task.commits).toBe(0);
  });

  it('poll: a failed commit ends the poll under way, and the task fails at once', async () => {
    const producer = new GatedProducer();
    const t = setup({ producer });
    await t.runner.start(false);
    await t.task.answer([record(1)]);
    expect(t.task.polls).toBe(2);
    producer.release(new Error('fenced'));
    // The connector's poll is not answered: the failure aborts it.
    await vi.waitFor(() => expect(t.states.map((s) => s.state)).toEqual(['RUNNING', 'FAILED']));
    expect(t.task.polls).toBe(2);
    await t.runner.stop();
  });

  it('interval: the next poll while the previous send is in flight, sends in order, one at a time', async () => {
    const producer = new GatedProducer();
    producer.gateSends = true;
    const t = setup({ producer, boundary: 'interval', intervalMs: 1000 });
    await t.runner.start(false);
    await t.task.answer([record(1)]);
    expect(producer.waiting).toEqual(['send']);
    expect(t.task.polls).toBe(2);
    await t.task.answer([record(2)]);
    expect(producer.waiting).toEqual(['send']);
    producer.release();
    await vi.waitFor(() => expect(producer.waiting).toEqual(['send']));
    producer.release();
    await vi.waitFor(() => expect(t.task.polls).toBe(3));
    expect(producer.events.filter((e) => e.startsWith('send lines'))).toEqual([
      'send lines:line-1',
      'send lines:line-2',
    ]);
    // Not a commit per poll: nothing commits before the interval passed.
    expect(producer.events).not.toContain('commit requested');
    t.tick(1000);
    await t.task.answer([]);
    await vi.waitFor(() => expect(producer.waiting).toEqual(['send']));
    producer.release();
    await vi.waitFor(() => expect(producer.waiting).toEqual(['commit']));
    producer.release();
    await vi.waitFor(() => expect(t.task.commits).toBe(1));
    expect(producer.events.slice(-4)).toEqual([
      'send requested',
      'send offsets:{"position":2}',
      'commit requested',
      'commit',
    ]);
    await t.runner.stop();
    expect(t.states.map((s) => s.state)).toEqual(['RUNNING']);
  });
});

describe("WorkerSourceTask exactly once: polls larger than a produce request (the topic's max.message.bytes)", () => {
  const wide = (line: number): SourceRecord => ({
    ...record(line),
    value: `line-${line}-${'x'.repeat(200)}`,
  });

  it('poll: sends the records in several produce requests of one transaction, the offsets last', async () => {
    const t = setup({ maxMessageBytes: { lines: 800 } });
    await t.runner.start(false);
    await t.task.answer(Array.from({ length: 10 }, (_, i) => wide(i + 1)));
    await vi.waitFor(() => expect(t.producer.events.at(-1)).toBe('commit'));
    expect(t.described).toEqual(['lines']);
    const sends = t.producer.events.slice(3, -1);
    expect(sends.length).toBeGreaterThan(2);
    expect(sends.every((e) => e.startsWith('send '))).toBe(true);
    expect(t.producer.events.slice(0, 3)).toEqual(['begin', 'cancel', 'begin']);
    const sent = sends.flatMap((e) => e.slice('send '.length).split(' '));
    expect(sent.map((m) => m.split(':')[1]?.split('-').slice(0, 2).join('-'))).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `line-${i + 1}`),
      '{"position"',
    ]);
    expect(sent.at(-1)).toBe('offsets:{"position":10}');
    await t.runner.stop();
    expect(t.states.map((s) => s.state)).toEqual(['RUNNING']);
  });

  it('interval: splits each poll the same way inside the open transaction', async () => {
    const t = setup({ boundary: 'interval', intervalMs: 60_000, maxMessageBytes: { lines: 800 } });
    await t.runner.start(false);
    await t.task.answer(Array.from({ length: 10 }, (_, i) => wide(i + 1)));
    await t.runner.stop();
    const sends = t.producer.events.filter((e) => e.startsWith('send lines:'));
    expect(sends.length).toBeGreaterThan(2);
    expect(t.producer.events.filter((e) => e === 'begin')).toHaveLength(2);
    expect(t.producer.events.slice(-2)).toEqual(['send offsets:{"position":10}', 'commit']);
  });

  it('a single record larger than the topic accepts fails the task with a clear error; nothing is sent', async () => {
    const t = setup({ maxMessageBytes: { lines: 150 } });
    await t.runner.start(false);
    await t.task.answer([record(1), wide(2)]);
    await vi.waitFor(() => expect(t.states.map((s) => s.state)).toEqual(['RUNNING', 'FAILED']));
    expect(String(t.states[1]?.error)).toMatch(
      /RecordTooLargeException: A record for topic 'lines' is \d+ bytes when serialized, which is larger than 150/,
    );
    await t.runner.stop();
    expect(t.producer.events).toEqual(['begin', 'cancel']);
  });
});

/** A task that keeps the offset it was started from, as the JDBC source does. */
class ResumingTask extends SteppedTask {
  startedFrom: unknown = 'not started';
  override start(_config: Record<string, string>, context: SourceTaskContext): void {
    this.startedFrom = context.offsetStorageReader.offset({ filename: 'in.txt' });
  }
}

/**
 * Just enough of a broker for one transactional id and the offsets topic, read read_committed. A
 * commit returns once the coordinator logged it; its offsets become readable only when its markers
 * are written, later, and the coordinator finishes that before it answers the next InitProducerId
 * of the id (CONCURRENT_TRANSACTIONS meanwhile). InitProducerId also bumps the epoch: an older
 * producer of the id is fenced. Here the markers wait for that InitProducerId: the race's window,
 * held open.
 */
class FakeBroker {
  epoch = 0;
  /** The offsets a read_committed read to the end of the offsets topic sees. */
  readonly readable = new Map<string, unknown>();
  #markersDue: (() => void)[] = [];

  producer(): TransactionalSourceProducer & { events: string[] } {
    const broker = this;
    const events: string[] = [];
    let epoch: number | undefined;
    return {
      events,
      async beginTransaction(): Promise<SourceTransaction> {
        if (epoch === undefined) {
          for (const write of broker.#markersDue.splice(0)) write();
          epoch = ++broker.epoch;
          events.push(`InitProducerId epoch ${epoch}`);
        }
        const offsets = new Map<string, unknown>();
        return {
          send: async ({ messages }) => {
            for (const m of messages) {
              if (m.topic === 'offsets') offsets.set(String(m.key), JSON.parse(String(m.value)));
            }
          },
          commit: async () => {
            if (epoch !== broker.epoch) throw new Error('PRODUCER_FENCED');
            events.push(`commit ${JSON.stringify([...offsets.values()])}`);
            broker.#markersDue.push(() => {
              for (const [key, offset] of offsets) broker.readable.set(key, offset);
            });
          },
          abort: async () => {},
          cancel: async () => {},
        };
      },
      close: async () => {},
    };
  }

  /** The task's offsets store: refresh() reads to the end, as KafkaOffsetBackingStore does. */
  offsets(): ConnectorOffsetBackingStore {
    let view = new Map<string, unknown>();
    return {
      primaryTopic: 'offsets',
      refresh: async () => {
        view = new Map(this.readable);
      },
      get: (connector: string, partition: Record<string, unknown>) =>
        view.get(JSON.stringify([connector, partition])) ?? null,
      set: async () => {},
      copyToWorkerTopic: async () => {},
      close: async () => {},
    } as unknown as ConnectorOffsetBackingStore;
  }

  runner(
    task: SourceTask,
    producer: TransactionalSourceProducer,
    states: ConnectorState[] = [],
    extra: Partial<SourceTaskRunnerOptions> = {},
  ) {
    return new WorkerSourceTask({
      connector: 'c',
      taskId: 0,
      task,
      taskConfig: {},
      client: { bootstrapServers: ['127.0.0.1:1'], clientId: 'test' },
      offsets: this.offsets(),
      keyConverter: stringConverter,
      valueConverter: stringConverter,
      errors: errorHandlingConfig({}),
      offsetFlushIntervalMs: 60_000,
      transactionalId: 'group-c-0',
      clients: { createRawProducer: () => producer as unknown as RawProducer } as unknown as KafkaClients,
      logger: pino({ level: 'silent' }),
      report: (state) => states.push(state),
      metrics,
      onTopicUsed: () => {},
      ...extra,
    });
  }
}

describe('WorkerSourceTask exactly once across generations of a task (fake broker)', () => {
  it("starts its producer only after its generation's fencing round, and again after a newer one", async () => {
    const broker = new FakeBroker();
    const producer = broker.producer();
    const task = new ResumingTask();
    let release: () => void = () => {};
    const rounds: number[] = [];
    const gate: FencingGate = {
      pending: () => true,
      ready: async () => {
        // The first round ends when released; the second (generation 2) at once.
        if (rounds.length === 0) await new Promise<void>((resolve) => (release = resolve));
        rounds.push(rounds.length + 1);
        return rounds.length;
      },
      // Generation 2 was committed while the first producer started: its round may fence it.
      current: async (generation) => generation === 2,
    };
    const states: ConnectorState[] = [];
    // A client asks for its producer id once: each claim needs a producer of its own.
    const second = broker.producer();
    const producers = [producer, second];
    const clients = { createRawProducer: () => producers.shift() } as unknown as KafkaClients;
    const runner = broker.runner(task, producer, states, { fencingGate: gate, clients });
    const started = runner.start(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(producers).toHaveLength(2);
    expect(task.startedFrom).toBe('not started');
    release();
    await started;
    expect(rounds).toEqual([1, 2]);
    expect(producers).toHaveLength(0);
    expect(producer.events).toEqual(['InitProducerId epoch 1']);
    expect(second.events).toEqual(['InitProducerId epoch 2']);
    expect(task.startedFrom).toBeNull();
    expect(states).toEqual(['RUNNING']);
    await runner.stop();
  });

  it('a stop ends the wait for the round: no producer id asked, the start rejects', async () => {
    const broker = new FakeBroker();
    const producer = broker.producer();
    const abort = new AbortController();
    const gate: FencingGate = {
      pending: () => true,
      ready: (signal) =>
        new Promise<number>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      current: async () => true,
    };
    const runner = broker.runner(new ResumingTask(), producer, [], {
      fencingGate: gate,
      startSignal: abort.signal,
    });
    const started = runner.start(false);
    abort.abort();
    await expect(started).rejects.toThrow();
    expect(producer.events).toEqual([]);
    await runner.stop();
  });

  it("the next instance starts after the previous one's last commit, though its markers were not written yet", async () => {
    const broker = new FakeBroker();
    const first = new SteppedTask();
    const firstProducer = broker.producer();
    const firstRunner = broker.runner(first, firstProducer);
    await firstRunner.start(false);
    await first.answer([record(1), record(2)]);
    // Reconfigured: stopped and started again at once, before the coordinator wrote the markers.
    await firstRunner.stop();
    expect(firstProducer.events).toEqual(['InitProducerId epoch 1', 'commit [{"position":2}]']);
    const next = new ResumingTask();
    const nextProducer = broker.producer();
    const nextRunner = broker.runner(next, nextProducer);
    await nextRunner.start(false);
    // Read before the producer's InitProducerId, the offsets missed the last commit: lines 1 and 2
    // (the whole last poll) were sent again.
    expect(next.startedFrom).toEqual({ position: 2 });
    expect(nextProducer.events).toEqual(['InitProducerId epoch 2']);
    await nextRunner.stop();
  });

  it('a previous instance still running (a task moved to another worker) cannot commit once the next one started', async () => {
    const broker = new FakeBroker();
    const old = new SteppedTask();
    const oldStates: ConnectorState[] = [];
    const oldRunner = broker.runner(old, broker.producer(), oldStates);
    await oldRunner.start(false);
    await old.answer([record(1)]);
    const next = new ResumingTask();
    const nextRunner = broker.runner(next, broker.producer());
    await nextRunner.start(false);
    expect(next.startedFrom).toEqual({ position: 1 });
    // The zombie's next batch: fenced, it fails, and its offsets never become readable.
    await old.answer([record(2)]);
    await vi.waitFor(() => expect(oldStates).toEqual(['RUNNING', 'FAILED']));
    await oldRunner.stop();
    await nextRunner.stop();
    expect(broker.readable.get('["c",{"filename":"in.txt"}]')).toEqual({ position: 1 });
  });

  it('waits while the coordinator of its transactional id is not ready (NOT_COORDINATOR, loading)', async () => {
    const broker = new FakeBroker();
    const producer = broker.producer();
    const begin = producer.beginTransaction.bind(producer);
    const answers = ['NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE'];
    producer.beginTransaction = () => {
      const apiId = answers.shift();
      if (apiId) {
        const inner = Object.assign(new Error(apiId), { apiId });
        return Promise.reject(Object.assign(new Error('failed 4 times'), { errors: [inner] }));
      }
      return begin();
    };
    const states: ConnectorState[] = [];
    const runner = broker.runner(new SteppedTask(), producer, states);
    await runner.start(false);
    expect(producer.events).toEqual(['InitProducerId epoch 1']);
    expect(states).toEqual(['RUNNING']);
    await runner.stop();
  });

  it('fails at once on an answer that will not change (not authorized)', async () => {
    const broker = new FakeBroker();
    const producer = broker.producer();
    producer.beginTransaction = () => {
      const inner = Object.assign(new Error('denied'), { apiId: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED' });
      return Promise.reject(Object.assign(new Error('failed'), { errors: [inner] }));
    };
    const states: ConnectorState[] = [];
    const runner = broker.runner(new SteppedTask(), producer, states);
    await runner.start(false).catch(() => {});
    expect(states.at(-1)).not.toBe('RUNNING');
    await runner.stop();
  });

  it("waits while the coordinator still completes the previous instance's transaction", async () => {
    const broker = new FakeBroker();
    const producer = broker.producer();
    const begin = producer.beginTransaction.bind(producer);
    let refused = 0;
    producer.beginTransaction = () => {
      if (refused++ < 2) {
        // As the client gives up after its own few retries: the broker's error inside its wrapper.
        const concurrent = Object.assign(new Error('concurrent'), { apiId: 'CONCURRENT_TRANSACTIONS' });
        return Promise.reject(Object.assign(new Error('failed 4 times'), { errors: [concurrent] }));
      }
      return begin();
    };
    const states: ConnectorState[] = [];
    const runner = broker.runner(new SteppedTask(), producer, states);
    await runner.start(false);
    expect(producer.events).toEqual(['InitProducerId epoch 1']);
    expect(states).toEqual(['RUNNING']);
    await runner.stop();
  });
});

/** A source task without exactly-once: a plain producer, offsets flushed to the offsets store. */
function setupPlain(maxMessageBytes = 1048588) {
  const task = new SteppedTask();
  const sent: string[] = [];
  const requests: number[] = [];
  const flushed: OffsetEntry[][] = [];
  const states: { state: ConnectorState; error?: unknown }[] = [];
  const events: string[] = [];
  const producer = {
    send: async ({ messages }: { messages: OutgoingMessage[] }) => {
      requests.push(messages.length);
      sent.push(...messages.map((m) => `${m.topic}:${m.value?.toString()}`));
      return {};
    },
    close: async () => {
      events.push('producer closed');
    },
  };
  const offsets = {
    primaryTopic: 'offsets',
    refresh: async () => {},
    get: () => null,
    set: async (_connector: string, entries: OffsetEntry[]) => {
      events.push('offsets flushed');
      flushed.push(entries);
    },
    copyToWorkerTopic: async () => {},
    close: async () => {},
  } as unknown as ConnectorOffsetBackingStore;
  const runner = new WorkerSourceTask({
    connector: 'c',
    taskId: 0,
    task,
    taskConfig: {},
    client: { bootstrapServers: ['127.0.0.1:1'], clientId: 'test' },
    clients: {
      createProducer: () => producer,
      createAdmin: () => ({
        on: () => {},
        close: async () => {},
        listTopics: async () => ['lines', 'offsets'],
        describeConfigs: async ({ resources }: { resources: { resourceName: string }[] }) =>
          resources.map((r) => ({
            resourceName: r.resourceName,
            configs: [{ name: 'max.message.bytes', value: String(maxMessageBytes) }],
          })),
      }),
    } as unknown as KafkaClients,
    offsets,
    keyConverter: stringConverter,
    valueConverter: stringConverter,
    errors: errorHandlingConfig({}),
    offsetFlushIntervalMs: 60_000,
    transactionalId: undefined,
    logger: pino({ level: 'silent' }),
    report: (state, error) => states.push({ state, error }),
    metrics,
    onTopicUsed: () => {},
  });
  return { task, sent, requests, flushed, states, events, runner };
}

describe('WorkerSourceTask without exactly-once (fake producer through the injected clients)', () => {
  it('a poll that throws fails the task with its error; what was acknowledged before keeps its offsets', async () => {
    const t = setupPlain();
    const failingPoll = vi.spyOn(t.task, 'poll');
    await t.runner.start(false);
    await t.task.answer([record(1), record(2)]);
    expect(t.sent).toEqual(['lines:line-1', 'lines:line-2']);
    failingPoll.mockRejectedValueOnce(new Error('the source database went away'));
    // The poll under way answers; the next one throws.
    await t.task.answer([]);
    await vi.waitFor(() => expect(t.states.map((s) => s.state)).toEqual(['RUNNING', 'FAILED']));
    expect(String(t.states[1]?.error)).toContain('the source database went away');
    await t.runner.stop();
    // The records the broker acknowledged are not sent again by the next run.
    expect(t.flushed).toEqual([[{ partition: { filename: 'in.txt' }, offset: { position: 2 } }]]);
    expect(t.events).toEqual(['offsets flushed', 'producer closed']);
  });

  it("splits a poll over the topic's max.message.bytes into several produce requests, in order", async () => {
    const t = setupPlain(300);
    await t.runner.start(false);
    await t.task.answer(Array.from({ length: 10 }, (_, i) => record(i + 1)));
    expect(t.requests.length).toBeGreaterThan(1);
    expect(t.requests.reduce((a, b) => a + b, 0)).toBe(10);
    expect(t.sent).toEqual(Array.from({ length: 10 }, (_, i) => `lines:line-${i + 1}`));
    await t.runner.stop();
    expect(t.flushed).toEqual([[{ partition: { filename: 'in.txt' }, offset: { position: 10 } }]]);
  });

  it('stop ends the poll under way, flushes the offsets of what was sent, then stops the task and closes the producer', async () => {
    const t = setupPlain();
    const stops = vi.spyOn(t.task, 'stop');
    await t.runner.start(false);
    await t.task.answer([record(1)]);
    expect(t.flushed).toEqual([]);
    await t.runner.stop();
    expect(t.flushed).toEqual([[{ partition: { filename: 'in.txt' }, offset: { position: 1 } }]]);
    expect(stops).toHaveBeenCalledOnce();
    expect(t.events).toEqual(['offsets flushed', 'producer closed']);
    expect(t.states.map((s) => s.state)).toEqual(['RUNNING']);
  });
});
