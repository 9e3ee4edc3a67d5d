import type { Admin } from '@msa-sync/kafka';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createTopicWithRetry, untilKnown } from './internal-topics.js';

describe('untilKnown', () => {
  it('waits out a topic just created that the broker does not know yet', async () => {
    let calls = 0;
    const admin = {
      metadata: async () => {
        calls++;
        if (calls < 3) throw new Error('Unknown topic connect-status.');
        return { id: 'cluster', brokers: new Map(), topics: new Map() };
      },
    } as unknown as Admin;
    await untilKnown(admin, ['connect-status'], pino({ level: 'silent' }));
    expect(calls).toBe(3);
  });
});

/** A client error as the Kafka client nests a broker's answer. */
const brokerError = (apiId: string) =>
  Object.assign(new Error('Received response with error while executing API CreateTopics(v7)'), {
    errors: [{ apiId, message: apiId }],
  });

describe('createTopicWithRetry', () => {
  const topic = { name: 'connect-configs', partitions: 1, replicationFactor: 3 };
  const silent = pino({ level: 'silent' });

  function clock() {
    let t = 0;
    const slept: number[] = [];
    return {
      slept,
      now: () => t,
      sleep: async (ms: number) => {
        slept.push(ms);
        t += ms;
      },
    };
  }

  it('retries while too few brokers are registered for the replication factor, as Apache does', async () => {
    const c = clock();
    let calls = 0;
    const admin = {
      createTopics: async () => {
        calls++;
        if (calls < 4) throw brokerError('INVALID_REPLICATION_FACTOR');
        return [];
      },
    };
    await createTopicWithRetry(admin as never, topic, silent, c);
    expect(calls).toBe(4);
    expect(c.slept).toEqual([100, 200, 400]);
  });

  it('gives up with the broker error once the timeout has passed', async () => {
    const c = clock();
    const admin = {
      createTopics: async () => {
        throw brokerError('INVALID_REPLICATION_FACTOR');
      },
    };
    await expect(
      createTopicWithRetry(admin as never, topic, silent, { ...c, timeoutMs: 5_000 }),
    ).rejects.toThrow(/CreateTopics/);
    expect(c.now()).toBe(5_000);
  });

  it('does not retry an error no wait can cure', async () => {
    const c = clock();
    let calls = 0;
    const admin = {
      createTopics: async () => {
        calls++;
        throw brokerError('TOPIC_AUTHORIZATION_FAILED');
      },
    };
    await expect(createTopicWithRetry(admin as never, topic, silent, c)).rejects.toThrow(/CreateTopics/);
    expect(calls).toBe(1);
  });
});
