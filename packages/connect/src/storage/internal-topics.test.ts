import type { Admin } from '@msa-sync/kafka';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { untilKnown } from './internal-topics.js';

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
