import type { KafkaProducer } from '@msa-sync/kafka';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { sink } from '../transforms/test-records.js';
import { buildTransformationChain } from '../transforms/transformation-chain.js';
import {
  type ConsumedRecordContext,
  DeadLetterQueueReporter,
  type ErrorHandlingConfig,
  type RetryClock,
  retryDelay,
  ToleranceExceededError,
  ToleranceOperator,
} from './error-handling.js';
import { traceOf } from './task-status.js';

const base: ErrorHandlingConfig = {
  tolerance: 'none',
  retryTimeoutMs: 0,
  retryMaxDelayMs: 60_000,
  logEnable: false,
  logIncludeMessages: false,
  dlqTopic: '',
  dlqReplicationFactor: 1,
  dlqContextHeaders: false,
};

/** A clock that records the waits and moves time forward by them, without waiting. */
function fakeClock(): RetryClock & { waits: number[] } {
  let time = 1_000_000;
  const waits: number[] = [];
  return {
    waits,
    now: () => time,
    sleep: async (ms) => {
      waits.push(ms);
      time += ms;
    },
  };
}

const retriable = () => Object.assign(new Error('coordinator busy'), { retriable: true });
/** Work that fails retriably `failures` times, then succeeds. */
function flaky(failures: number) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    work: () => {
      calls++;
      if (calls <= failures) throw retriable();
      return 'done';
    },
  };
}

describe('retryDelay (Connect RetryWithToleranceOperator back-off)', () => {
  it('starts at 300 ms and doubles, capped by errors.retry.delay.max.ms and the time left', () => {
    const config = { retryTimeoutMs: 10_000, retryMaxDelayMs: 2_000 };
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(config, a, 0, 0))).toEqual([300, 600, 1200, 2000, 2000]);
    expect(retryDelay(config, 3, 0, 9_500)).toBe(500);
    expect(retryDelay(config, 1, 0, 10_000)).toBeUndefined();
  });

  it('0 never retries; -1 retries without end', () => {
    expect(retryDelay({ retryTimeoutMs: 0, retryMaxDelayMs: 60_000 }, 1, 0, 0)).toBeUndefined();
    expect(retryDelay({ retryTimeoutMs: -1, retryMaxDelayMs: 60_000 }, 40, 0, 1e12)).toBe(60_000);
  });
});

describe('ToleranceOperator retries', () => {
  const logger = pino({ level: 'silent' });

  it('a retriable failure within errors.retry.timeout succeeds after retries, with exponential waits', async () => {
    const clock = fakeClock();
    const op = new ToleranceOperator(
      { ...base, retryTimeoutMs: 5_000, retryMaxDelayMs: 1_000 },
      logger,
      undefined,
      clock,
    );
    const run = flaky(4);
    expect(await op.execute('TRANSFORMATION', run.work)).toEqual({ ok: true, value: 'done' });
    expect(run.calls).toBe(5);
    expect(clock.waits).toEqual([300, 600, 1000, 1000]);
    expect(op.errorsTotal).toBe(0);
  });

  it('beyond the timeout: tolerance none fails the task, tolerance all skips the record', async () => {
    const none = new ToleranceOperator({ ...base, retryTimeoutMs: 1_000 }, logger, undefined, fakeClock());
    const failing = flaky(1_000);
    await expect(none.execute('TRANSFORMATION', failing.work)).rejects.toBeInstanceOf(ToleranceExceededError);
    // 300 + 600 + the 100 ms left: three retries, four calls.
    expect(failing.calls).toBe(4);

    const clock = fakeClock();
    const all = new ToleranceOperator(
      { ...base, tolerance: 'all', retryTimeoutMs: 1_000 },
      logger,
      undefined,
      clock,
    );
    expect(await all.execute('TRANSFORMATION', flaky(1_000).work)).toEqual({ ok: false });
    expect(clock.waits).toEqual([300, 600, 100]);
    expect(all.skippedTotal).toBe(1);
  });

  it('a failure that is not retriable is never retried, whatever the timeout', async () => {
    const clock = fakeClock();
    const op = new ToleranceOperator(
      { ...base, tolerance: 'all', retryTimeoutMs: 60_000 },
      logger,
      undefined,
      clock,
    );
    let calls = 0;
    const result = await op.execute('VALUE_CONVERTER', () => {
      calls++;
      throw new Error('not JSON');
    });
    expect(result).toEqual({ ok: false });
    expect(calls).toBe(1);
    expect(clock.waits).toEqual([]);
  });

  it('errors.retry.timeout 0 (the default) does not retry a retriable failure', async () => {
    const clock = fakeClock();
    const op = new ToleranceOperator(base, logger, undefined, clock);
    const run = flaky(1);
    await expect(op.execute('TRANSFORMATION', run.work)).rejects.toBeInstanceOf(ToleranceExceededError);
    expect(run.calls).toBe(1);
  });
});

describe('ToleranceOperator keeps record content out of what it reports', () => {
  const castQty = () =>
    buildTransformationChain({
      transforms: 'cast',
      'transforms.cast.type': 'org.apache.kafka.connect.transforms.Cast$Value',
      'transforms.cast.spec': 'qty:int32',
    });
  const record = sink(undefined, new Map([['qty', 'card 4111 1111 1111 1111']]));
  const consumed: ConsumedRecordContext = {
    topic: 'orders',
    partition: 0,
    offset: 7n,
    key: undefined,
    value: Buffer.from('{"qty":"card 4111 1111 1111 1111"}'),
    headers: new Map(),
    timestamp: 0n,
  };

  /** A logger that keeps its lines as text. */
  function capturingLogger() {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    return { logger, lines };
  }

  it('a task failed by a transformation has a trace without the value it could not cast', async () => {
    const chain = castQty();
    const { logger, lines } = capturingLogger();
    const operator = new ToleranceOperator({ ...base, logEnable: true }, logger);
    const failure = await operator
      .execute('TRANSFORMATION', () => chain.apply(record), consumed)
      .catch((e) => e);
    expect(failure).toBeInstanceOf(ToleranceExceededError);
    const trace = traceOf(failure);
    expect(trace).toContain(
      'Caused by: org.apache.kafka.connect.errors.DataException: Value ([masked]) was out of range',
    );
    expect(trace).toContain('For input string: "[masked]"');
    expect(trace).not.toContain('4111');
    expect(lines.join('')).not.toContain('4111');
  });

  it('tolerated: the error log and the DLQ headers mask it; include.messages lets only the log line keep it', async () => {
    for (const logIncludeMessages of [false, true]) {
      const chain = castQty();
      const { logger, lines } = capturingLogger();
      const sent: Array<{ headers: Map<string, Buffer> }> = [];
      const config: ErrorHandlingConfig = {
        ...base,
        tolerance: 'all',
        logEnable: true,
        logIncludeMessages,
        dlqTopic: 'orders-dlq',
        dlqContextHeaders: true,
      };
      const producer = {
        send: async ({ messages }: { messages: Array<{ headers: Map<string, Buffer> }> }) => {
          sent.push(...messages);
        },
      } as unknown as KafkaProducer;
      const operator = new ToleranceOperator(
        config,
        logger,
        new DeadLetterQueueReporter(producer, config, 'sink', 0),
      );
      expect(await operator.execute('TRANSFORMATION', () => chain.apply(record), consumed)).toEqual({
        ok: false,
      });
      const headers = Object.fromEntries([...(sent[0]?.headers ?? [])].map(([k, v]) => [k, v.toString()]));
      expect(headers['__connect.errors.exception.message']).toBe(
        'Value ([masked]) was out of range for requested data type',
      );
      expect(headers['__connect.errors.exception.stacktrace']).not.toContain('4111');
      expect(headers['__connect.errors.class.name']).toBe('org.apache.kafka.connect.transforms.Cast$Value');
      expect(lines.join('').includes('4111')).toBe(logIncludeMessages);
    }
  });
});
