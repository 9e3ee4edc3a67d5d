import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type OutgoingMessage, type RawProducer, SequencedProducer } from './clients.js';
import { fakeProducers } from './fake-producers.test-support.js';

const order = (id: string): OutgoingMessage => ({
  topic: 'orders',
  key: Buffer.from(id),
  value: Buffer.from(id),
});

/** Two messages per order, as OrderPublisher sends them. */
const orderPair = (id: string) => ({ messages: [order(`${id}a`), order(`${id}b`)] });

describe('SequencedProducer: lingerMs', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds a send at most the linger, and sends what came meanwhile in the same transaction', async () => {
    const fake = fakeProducers();
    const producer = new SequencedProducer(fake.create, { transactional: true, lingerMs: 5 });
    const acked: string[] = [];
    const first = producer.send(orderPair('o1')).then(() => acked.push('o1'));
    await vi.advanceTimersByTimeAsync(3);
    const second = producer.send(orderPair('o2')).then(() => acked.push('o2'));
    expect(fake.transactions).toHaveLength(0);
    // 4 ms after the first send: still lingering.
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.transactions).toHaveLength(0);
    // 5 ms after the first send (not after the second): out, both in one transaction.
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([first, second]);
    expect(fake.transactions.map((t) => [t.values, t.beganAt, t.outcome])).toEqual([
      [['o1a', 'o1b', 'o2a', 'o2b'], 5, 'committed'],
    ]);
    expect(acked).toEqual(['o1', 'o2']);
    await producer.close();
  });

  it('sends a full batch at once, without waiting for the linger', async () => {
    const fake = fakeProducers();
    const producer = new SequencedProducer(fake.create, {
      transactional: true,
      lingerMs: 1000,
      maxBatchMessages: 4,
    });
    const sends = [producer.send(orderPair('o1')), producer.send(orderPair('o2'))];
    await vi.advanceTimersByTimeAsync(0);
    await Promise.all(sends);
    expect(fake.transactions.map((t) => [t.values, t.beganAt])).toEqual([[['o1a', 'o1b', 'o2a', 'o2b'], 0]]);
    // A third order alone waits for its linger.
    const third = producer.send(orderPair('o3'));
    await vi.advanceTimersByTimeAsync(999);
    expect(fake.transactions).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await third;
    expect(fake.transactions.at(-1)?.values).toEqual(['o3a', 'o3b']);
    await producer.close();
  });

  it('does not linger again for sends that waited out a request in flight', async () => {
    const fake = fakeProducers();
    let release: () => void = () => {};
    const slow = () => {
      const producer = fake.create() as unknown as {
        beginTransaction(): Promise<{ commit(): Promise<void> }>;
      };
      const begin = producer.beginTransaction.bind(producer);
      producer.beginTransaction = async () => {
        const transaction = await begin();
        const commit = transaction.commit.bind(transaction);
        transaction.commit = async () => {
          await new Promise<void>((r) => {
            release = r;
          });
          await commit();
        };
        return transaction;
      };
      return producer as unknown as RawProducer;
    };
    const producer = new SequencedProducer(slow, { transactional: true, lingerMs: 5 });
    const first = producer.send(orderPair('o1'));
    await vi.advanceTimersByTimeAsync(5);
    expect(fake.transactions).toHaveLength(1);
    const second = producer.send(orderPair('o2'));
    // The first commit takes 20 ms; the second order has waited longer than its linger by then.
    await vi.advanceTimersByTimeAsync(20);
    release();
    await first;
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.transactions.map((t) => t.beganAt)).toEqual([5, 25]);
    release();
    await second;
    await producer.close();
  });

  it('fails every order of a lingered batch when its transaction fails, and acknowledges none', async () => {
    const fake = fakeProducers();
    const producer = new SequencedProducer(fake.create, { transactional: true, lingerMs: 5 });
    fake.state.failNext = 1;
    const outcomes: string[] = [];
    const sends = ['o1', 'o2', 'o3'].map((id) =>
      producer.send(orderPair(id)).then(
        () => outcomes.push(`${id} acked`),
        (error: Error) => outcomes.push(`${id} ${error.message}`),
      ),
    );
    await vi.advanceTimersByTimeAsync(5);
    await Promise.all(sends);
    expect(outcomes).toEqual(['o1 broker gone', 'o2 broker gone', 'o3 broker gone']);
    expect(fake.transactions.map((t) => [t.values.length, t.outcome])).toEqual([[6, 'failed']]);
    // The next order goes through a fresh producer, alone.
    const next = producer.send(orderPair('o4'));
    await vi.advanceTimersByTimeAsync(5);
    await next;
    expect(fake.transactions.at(-1)).toMatchObject({ values: ['o4a', 'o4b'], outcome: 'committed' });
    await producer.close();
  });

  it('sends what lingers at once when closed', async () => {
    const fake = fakeProducers();
    const producer = new SequencedProducer(fake.create, { transactional: true, lingerMs: 60_000 });
    const sent = producer.send(orderPair('o1'));
    await vi.advanceTimersByTimeAsync(1);
    const closed = producer.close();
    await vi.advanceTimersByTimeAsync(10);
    await sent;
    await closed;
    expect(fake.transactions.map((t) => t.outcome)).toEqual(['committed']);
  });
});
