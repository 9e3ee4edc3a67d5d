import { describe, expect, it } from 'vitest';
import { workerConfig } from './worker-config.js';

describe('worker config: failover timing', () => {
  it('moves a dead worker’s tasks after session.timeout.ms, with no scheduled rebalance delay', () => {
    const config = workerConfig(new Map([['scheduled.rebalance.max.delay.ms', '300000']]), {});
    expect(config.sessionTimeoutMs).toBe(10_000);
    expect(config.heartbeatIntervalMs).toBe(3000);
    expect(config.notes.join('\n')).toMatch(/scheduled\.rebalance\.max\.delay\.ms .* ignored/);
    expect(workerConfig(new Map(), {}).notes).toEqual([]);
  });
});
