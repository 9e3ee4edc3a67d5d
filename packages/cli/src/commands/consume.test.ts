import { describe, expect, it } from 'vitest';
import { formatRecord, type RecordFormat } from './consume.js';

const base: RecordFormat = {
  printKey: false,
  printValue: true,
  printPartition: false,
  printOffset: false,
  printTimestamp: false,
  printHeaders: false,
  separator: '\t',
};

// Only the fields formatRecord reads; the client's Message also carries commit() and metadata.
const message = (over: Record<string, unknown> = {}) =>
  ({
    key: Buffer.from('k1'),
    value: Buffer.from('v1'),
    partition: 2,
    offset: 41n,
    timestamp: 1680643371000n,
    headers: new Map([['h', Buffer.from('x')]]),
    topic: 't',
    ...over,
  }) as unknown as Parameters<typeof formatRecord>[0];

describe('formatRecord (kafka-console-consumer layout)', () => {
  it('prints only the value by default', () => {
    expect(formatRecord(message(), base)).toBe('v1');
  });

  it('orders timestamp, partition, offset, headers, key, value with the separator', () => {
    const all = {
      ...base,
      printKey: true,
      printPartition: true,
      printOffset: true,
      printTimestamp: true,
      printHeaders: true,
    };
    expect(formatRecord(message(), all)).toBe(
      'CreateTime:1680643371000\tPartition:2\tOffset:41\th:x\tk1\tv1',
    );
    expect(
      formatRecord(message({ headers: new Map() }), { ...base, printHeaders: true, separator: '|' }),
    ).toBe('NO_HEADERS|v1');
  });

  it('prints null for a missing key or value (tombstones)', () => {
    expect(formatRecord(message({ key: undefined, value: undefined }), { ...base, printKey: true })).toBe(
      'null\tnull',
    );
  });
});
