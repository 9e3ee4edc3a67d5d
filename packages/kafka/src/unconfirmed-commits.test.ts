import { describe, expect, it } from 'vitest';
import { type OutgoingMessage, type RawProducer, SequencedProducer } from './clients.js';
import { fakeProducers } from './fake-producers.test-support.js';
import { UnconfirmedCommits, writtenPartitions } from './unconfirmed-commits.js';

describe('UnconfirmedCommits', () => {
  it('keeps a commit until a later commit touched each of its partitions', () => {
    const commits = new UnconfirmedCommits<string>();
    commits.committed(['a1', 'b1'], ['orders:0', 'catalog:0']);
    commits.committed(['a2'], ['orders:0']);
    // orders:0 is confirmed for the first commit, catalog:0 is not.
    expect(commits.messages()).toEqual(['a1', 'b1', 'a2']);
    commits.committed(['b3'], ['catalog:0']);
    expect(commits.messages()).toEqual(['a2', 'b3']);
    expect(commits.size).toBe(2);
    commits.clear();
    expect(commits.messages()).toEqual([]);
  });

  it('reads the partitions a produce result wrote to', () => {
    expect(
      writtenPartitions({
        offsets: [
          { topic: 'orders', partition: 2 },
          { topic: 'catalog', partition: 0 },
        ],
      }),
    ).toEqual(['orders:2', 'catalog:0']);
    expect(writtenPartitions({})).toEqual([]);
  });
});

const order = (id: string, topic = 'orders'): OutgoingMessage => ({
  topic,
  key: Buffer.from(id),
  value: Buffer.from(id),
});

describe('SequencedProducer: resendUnconfirmedAfterFailure', () => {
  it('sends the last commit again in the first transaction after a failure', async () => {
    const fake = fakeProducers();
    const resends: number[] = [];
    const producer = new SequencedProducer(fake.create, {
      transactional: true,
      resendUnconfirmedAfterFailure: true,
      resendDelayMs: 60_000,
      onResend: (records) => resends.push(records),
    });
    await producer.send({ messages: [order('o1')] });
    fake.state.failNext = 1;
    await expect(producer.send({ messages: [order('o2')] })).rejects.toThrow('broker gone');
    expect(resends).toEqual([]);
    await producer.send({ messages: [order('o3')] });
    expect(fake.transactions.map((t) => [t.values, t.outcome])).toEqual([
      [['o1'], 'committed'],
      [['o2'], 'failed'],
      // o1 may hang without markers, and o2's abort would have discarded it: o1 goes again.
      [['o1', 'o3'], 'committed'],
    ]);
    expect(fake.state.created).toBe(2);
    expect(resends).toEqual([1]);
    // After the resend committed, only o3 (the last commit on orders:0) is unconfirmed.
    fake.state.failNext = 1;
    await expect(producer.send({ messages: [order('o4')] })).rejects.toThrow();
    await producer.send({ messages: [order('o5')] });
    expect(fake.transactions.at(-1)?.values).toEqual(['o1', 'o3', 'o5']);
    await producer.close();
  });

  it('sends nothing again once a later commit on the same partition confirmed it', async () => {
    const fake = fakeProducers();
    const producer = new SequencedProducer(fake.create, {
      transactional: true,
      resendUnconfirmedAfterFailure: true,
      resendDelayMs: 60_000,
    });
    await producer.send({ messages: [order('o1'), order('c1', 'catalog')] });
    await producer.send({ messages: [order('o2')] });
    await producer.send({ messages: [order('c3', 'catalog')] });
    fake.state.failNext = 1;
    await expect(producer.send({ messages: [order('o4')] })).rejects.toThrow();
    await producer.send({ messages: [order('o5')] });
    // o1/c1 were confirmed by o2 and c3; o2 and c3 are the last commits on their partitions.
    expect(fake.transactions.at(-1)?.values).toEqual(['o2', 'c3', 'o5']);
    await producer.close();
  });

  it('resends alone after the delay when nothing else is sent, until it commits', async () => {
    const fake = fakeProducers();
    const producer = new SequencedProducer(fake.create, {
      transactional: true,
      resendUnconfirmedAfterFailure: true,
      resendDelayMs: 5,
    });
    await producer.send({ messages: [order('o1')] });
    fake.state.failNext = 2; // the failed send, then the first resend
    await expect(producer.send({ messages: [order('o2')] })).rejects.toThrow();
    const deadline = Date.now() + 5000;
    while (!fake.transactions.some((t, i) => i > 1 && t.outcome === 'committed') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(fake.transactions.map((t) => [t.values, t.outcome])).toEqual([
      [['o1'], 'committed'],
      [['o2'], 'failed'],
      [['o1'], 'failed'],
      [['o1'], 'committed'],
    ]);
    await producer.close();
  });

  it('sends nothing again without the option', async () => {
    const fake = fakeProducers();
    const producer = new SequencedProducer(fake.create, { transactional: true });
    await producer.send({ messages: [order('o1')] });
    fake.state.failNext = 1;
    await expect(producer.send({ messages: [order('o2')] })).rejects.toThrow();
    await producer.send({ messages: [order('o3')] });
    expect(fake.transactions.at(-1)?.values).toEqual(['o3']);
    await producer.close();
  });
});

describe('SequencedProducer after a failed transaction', () => {
  it('goes on sending when the failed transaction’s abort throws at once', async () => {
    const fake = fakeProducers();
    const create = () => {
      const producer = fake.create() as unknown as {
        beginTransaction(): Promise<{ abort(): Promise<void> }>;
      };
      const begin = producer.beginTransaction.bind(producer);
      producer.beginTransaction = async () => {
        const transaction = await begin();
        // As @platformatic/kafka 1.35 did for a transaction whose producer id never arrived.
        transaction.abort = () => {
          throw new TypeError("Cannot read properties of undefined (reading 'producerId')");
        };
        return transaction;
      };
      return producer as unknown as RawProducer;
    };
    const producer = new SequencedProducer(create, { transactional: true });
    fake.state.failNext = 1;
    await expect(producer.send({ messages: [order('o1')] })).rejects.toThrow('broker gone');
    await producer.send({ messages: [order('o2')] });
    expect(fake.transactions.at(-1)).toMatchObject({ values: ['o2'], outcome: 'committed' });
    await producer.close();
  });
});
