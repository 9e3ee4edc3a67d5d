import type { ProcessStatus } from '@msa-sync/stack';
import { describe, expect, it } from 'vitest';
import { formatStatus, formatUptime } from './status.js';

const row = (over: Partial<ProcessStatus>): ProcessStatus => ({
  name: 'Connect worker',
  where: 'http://127.0.0.1:8083',
  state: 'running',
  pid: 4242,
  uptimeMs: 65_000,
  restarts: 0,
  healthy: true,
  lastExit: null,
  log: '.data/connect/worker.log',
  ...over,
});

describe('msa-sync status', () => {
  it('formats uptimes the way ps and kubectl do, coarser as they grow', () => {
    expect(formatUptime(9_400)).toBe('9s');
    expect(formatUptime(65_000)).toBe('1m 05s');
    expect(formatUptime(3 * 3600_000 + 7 * 60_000)).toBe('3h 07m');
    expect(formatUptime(50 * 3600_000)).toBe('2d 02h');
  });

  it('lines up one row per process, with restarts, health and the last exit', () => {
    const lines = formatStatus([
      row({}),
      row({
        name: 'order-service-2',
        where: '(gateway registry)',
        state: 'crash-loop',
        pid: undefined,
        uptimeMs: undefined,
        restarts: 6,
        healthy: false,
        lastExit: { code: 137, signal: 'SIGKILL', at: '2026-12-06T00:30:00.000Z', ranMs: 900 },
      }),
    ]);
    expect(lines[0]).toMatch(/^PROCESS\s+WHERE\s+PID\s+STATE\s+UPTIME\s+RESTARTS\s+HEALTH$/);
    expect(lines[1]).toMatch(
      /^Connect worker\s+http:\/\/127\.0\.0\.1:8083\s+4242\s+running\s+1m 05s\s+0\s+ok$/,
    );
    expect(lines[2]).toMatch(
      /^order-service-2\s+\(gateway registry\)\s+-\s+crash-loop\s+-\s+6\s+DOWN\s+last exit: SIGKILL at 2026-12-06T00:30:00\.000Z$/,
    );
    // Columns start at the same place on every line.
    expect(lines[1]?.indexOf('4242')).toBe(lines[0]?.indexOf('PID'));
  });
});
