import { describe, expect, it } from 'vitest';
import { DataError } from '../data/data-error.js';
import { ToleranceExceededError } from './error-handling.js';
import { traceOf } from './task-status.js';

describe("a task's trace", () => {
  it("reads like Connect's: a Java exception class first, frames, then each cause", () => {
    const trace = traceOf(new ToleranceExceededError('VALUE_CONVERTER', new DataError('bad bytes')));
    const lines = trace.split('\n');
    expect(lines[0]).toBe(
      'org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler (stage VALUE_CONVERTER)',
    );
    expect(lines[1]).toMatch(/^\tat /);
    expect(lines).toContain('Caused by: org.apache.kafka.connect.errors.DataException: bad bytes');
  });

  it("heads any other failure as Connect wraps a task's exception, keeping its own name", () => {
    const trace = traceOf(new TypeError('x is not a function', { cause: new Error('deeper') }));
    expect(trace.split('\n')[0]).toBe(
      'org.apache.kafka.connect.errors.ConnectException: TypeError: x is not a function',
    );
    expect(trace).toContain('\nCaused by: Error: deeper');
    expect(traceOf('plain text')).toBe('plain text');
  });
});
