import { MultipleErrors, ProtocolError } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { createAdmin, transactionRetryDelay } from './clients.js';

/**
 * A strict admin checks a call's options before it touches the network, so these run with no
 * broker: nothing listens on port 1, and a call that got past the check would fail differently.
 */
describe('createAdmin({ strict: true })', () => {
  const strictAdmin = () =>
    createAdmin({
      bootstrapServers: ['127.0.0.1:1'],
      clientId: 'strict-admin-test',
      strict: true,
      retries: 0,
    });

  it('rejects the wrong alterConsumerGroupOffsets shape instead of throwing in a socket callback', async () => {
    const admin = strictAdmin();
    try {
      // The shape that ended the worker in issue 14 (`partitions`/`partitionIndexes`).
      const wrong = {
        groupId: 'connect-x',
        topics: [
          { name: 't', partitionIndexes: [0], partitions: [{ partitionIndex: 0, committedOffset: 1n }] },
        ],
      };
      await expect(admin.alterConsumerGroupOffsets(wrong as never)).rejects.toThrow(/partitionOffsets/);
    } finally {
      await admin.close();
    }
  });

  it('rejects a number where the client needs a bigint offset', async () => {
    const admin = strictAdmin();
    try {
      const numberOffset = {
        groupId: 'connect-x',
        topics: [{ name: 't', partitionOffsets: [{ partition: 0, offset: 1 }] }],
      };
      await expect(admin.alterConsumerGroupOffsets(numberOffset as never)).rejects.toThrow(/offset/);
    } finally {
      await admin.close();
    }
  });

  it('lets a well-formed call through to the network', async () => {
    const admin = strictAdmin();
    try {
      const error = await admin
        .alterConsumerGroupOffsets({
          groupId: 'connect-x',
          topics: [{ name: 't', partitionOffsets: [{ partition: 0, offset: 1n }] }],
        })
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      // It got past the option check and failed on the connection instead.
      expect(error).toBeInstanceOf(Error);
      expect(error?.constructor.name).not.toBe('UserError');
    } finally {
      await admin.close();
    }
  });
});

describe('transactionRetryDelay', () => {
  const delay = transactionRetryDelay(250);
  const concurrent = new MultipleErrors('addPartitionsToTransaction failed.', [
    new ProtocolError('CONCURRENT_TRANSACTIONS'),
  ]);

  it("retries a transaction's first AddPartitionsToTxn after its own commit in 2 ms, then 10, the last retry after twice the delay", () => {
    const ladder = (retries: number) =>
      Array.from({ length: retries }, (_, i) =>
        delay(null, 'addPartitionsToTransaction', i + 1, retries, concurrent),
      );
    expect(ladder(3)).toEqual([2, 10, 500]);
    // order-service has 2 retries: a loaded broker still gets 400 ms (it had 10 + 250 before).
    expect(ladder(2)).toEqual([2, 500]);
    expect(ladder(5)).toEqual([2, 10, 250, 250, 500]);
  });

  it('retries other operations quickly once, then at the configured delay', () => {
    expect([1, 2, 3].map((attempt) => delay(null, 'initProducerId', attempt, 3, concurrent))).toEqual([
      10, 250, 250,
    ]);
  });

  it('waits the configured delay for any other error', () => {
    const other = new ProtocolError('NOT_COORDINATOR');
    expect(delay(null, 'addPartitionsToTransaction', 1, 3, other)).toBe(250);
    expect(delay(null, 'addPartitionsToTransaction', 1, 3, new Error('socket closed'))).toBe(250);
  });
});
