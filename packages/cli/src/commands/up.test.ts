import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli-errors.js';
import { requestedBrokers, requestedWorkers } from './up.js';

describe('up --brokers / MSA_BROKERS', () => {
  it('takes 1 or 3, the flag before the variable, and nothing when neither says', () => {
    expect(requestedBrokers(undefined, {})).toBeUndefined();
    expect(requestedBrokers(undefined, { MSA_BROKERS: '' })).toBeUndefined();
    expect(requestedBrokers('3', {})).toBe(3);
    expect(requestedBrokers(undefined, { MSA_BROKERS: '3' })).toBe(3);
    expect(requestedBrokers('1', { MSA_BROKERS: '3' })).toBe(1);
  });

  it('refuses anything else as a usage error (exit 2), naming where it came from', () => {
    for (const bad of ['0', '2', 'x', '', '3.0x', '-1']) {
      expect(() => requestedBrokers(bad, {})).toThrow(UsageError);
    }
    expect(() => requestedBrokers(undefined, { MSA_BROKERS: '2' })).toThrow(/MSA_BROKERS must be 1 .* or 3/);
    expect(() => requestedBrokers('x', {})).toThrow(/--brokers must be 1 .* got 'x'/);
  });
});

describe('up --workers / MSA_CONNECT_WORKERS', () => {
  it('takes 1 to 4, the flag before the variable, and nothing when neither says', () => {
    expect(requestedWorkers(undefined, {})).toBeUndefined();
    expect(requestedWorkers(undefined, { MSA_CONNECT_WORKERS: ' ' })).toBeUndefined();
    expect(requestedWorkers('2', {})).toBe(2);
    expect(requestedWorkers(undefined, { MSA_CONNECT_WORKERS: '4' })).toBe(4);
    expect(requestedWorkers('1', { MSA_CONNECT_WORKERS: '3' })).toBe(1);
  });

  it('refuses anything else as a usage error (exit 2), naming where it came from', () => {
    for (const bad of ['0', '5', 'x', '', '2.5', '-1', '1e1']) {
      expect(() => requestedWorkers(bad, {})).toThrow(UsageError);
    }
    expect(() => requestedWorkers(undefined, { MSA_CONNECT_WORKERS: '9' })).toThrow(
      /MSA_CONNECT_WORKERS must be a whole number from 1 to 4, got '9'/,
    );
  });
});
