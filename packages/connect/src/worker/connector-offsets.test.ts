import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { groupHasMembers, retryWhileGroupHasMembers } from './connector-offsets.js';

const logger = pino({ level: 'silent' });
/** The client's shape: the broker's protocol id on a nested error. */
const protocolError = (apiId: string) =>
  new AggregateError([Object.assign(new Error(apiId), { apiId })], 'Altering consumer group offsets failed.');

describe('retryWhileGroupHasMembers', () => {
  it('retries while the stopped tasks are still leaving the group, then succeeds', async () => {
    let calls = 0;
    const result = await retryWhileGroupHasMembers(
      async () => {
        calls += 1;
        if (calls < 3) throw protocolError('UNKNOWN_MEMBER_ID');
        return 'done';
      },
      5_000,
      logger,
      10,
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up with the broker error once the group keeps members past the timeout', async () => {
    let calls = 0;
    const work = async () => {
      calls += 1;
      throw protocolError('NON_EMPTY_GROUP');
    };
    await expect(retryWhileGroupHasMembers(work, 100, logger, 20)).rejects.toSatisfy(groupHasMembers);
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThanOrEqual(6);
  });

  it('does not retry any other failure', async () => {
    let calls = 0;
    const work = async () => {
      calls += 1;
      throw protocolError('UNKNOWN_TOPIC_OR_PARTITION');
    };
    await expect(retryWhileGroupHasMembers(work, 5_000, logger, 10)).rejects.toThrow(
      'Altering consumer group offsets failed.',
    );
    expect(calls).toBe(1);
  });

  it('recognises the three answers of a group that still has members', () => {
    for (const id of ['UNKNOWN_MEMBER_ID', 'GROUP_SUBSCRIBED_TO_TOPIC', 'NON_EMPTY_GROUP']) {
      expect(groupHasMembers(protocolError(id))).toBe(true);
    }
    expect(groupHasMembers(protocolError('GROUP_ID_NOT_FOUND'))).toBe(false);
    expect(groupHasMembers(new TypeError('UNKNOWN_MEMBER_ID'))).toBe(false);
  });
});
