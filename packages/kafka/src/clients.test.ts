import { describe, expect, it } from 'vitest';
import { createAdmin } from './clients.js';

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
