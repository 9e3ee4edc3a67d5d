import { describe, expect, it } from 'vitest';
import { checkSourceOffsets } from './source-offsets.js';

const table = { protocol: '1', table: 'shop.users1' };

describe('checkSourceOffsets', () => {
  it('accepts the shapes the connector writes, for each mode, and null offsets', () => {
    expect(() =>
      checkSourceOffsets({ mode: 'incrementing' }, [
        { partition: table, offset: { incrementing: 42 } },
        { partition: { table: 'users1' }, offset: { incrementing: -1 } },
        { partition: { protocol: '1', table: 'shop.other' }, offset: null },
      ]),
    ).not.toThrow();
    expect(() =>
      checkSourceOffsets({ mode: 'timestamp+incrementing' }, [
        { partition: table, offset: { timestamp_nanos: 5, incrementing: 3, timestamp: 1700000000000 } },
      ]),
    ).not.toThrow();
    expect(() =>
      checkSourceOffsets({ mode: 'timestamp', query: 'SELECT * FROM t' }, [
        { partition: { query: 'query' }, offset: { timestamp: 0 } },
      ]),
    ).not.toThrow();
    expect(() => checkSourceOffsets({ mode: 'bulk' }, [{ partition: table, offset: null }])).not.toThrow();
  });

  it.each([
    [{ mode: 'incrementing' }, { tabel: 'x' }, { incrementing: 1 }, 'A JDBC source partition is'],
    [{ mode: 'incrementing' }, { table: 5 }, { incrementing: 1 }, 'A JDBC source partition is'],
    [
      { mode: 'incrementing' },
      { protocol: '1', table: 't', extra: 1 },
      { incrementing: 1 },
      'A JDBC source partition is',
    ],
    [{ mode: 'incrementing' }, { protocol: '2', table: 't' }, { incrementing: 1 }, 'Unknown offset protocol'],
    [{ mode: 'incrementing' }, { query: 'query' }, { incrementing: 1 }, 'A JDBC source partition is'],
    [{ mode: 'incrementing', query: 'SELECT 1' }, table, { incrementing: 1 }, 'has the one partition'],
    [{ mode: 'incrementing' }, table, { incrementing: 'abc' }, "'incrementing' in the offset"],
    [{ mode: 'incrementing' }, table, { incrementing: 1.5 }, "'incrementing' in the offset"],
    [{ mode: 'incrementing' }, table, { position: 1 }, "Unknown key 'position'"],
    [{ mode: 'incrementing' }, table, {}, "needs 'incrementing'"],
    [{ mode: 'timestamp' }, table, { incrementing: 1 }, "needs 'timestamp'"],
    [{ mode: 'timestamp' }, table, { timestamp: 1, timestamp_nanos: 2_000_000_000 }, "'timestamp_nanos'"],
    [{ mode: 'bulk' }, table, { incrementing: 1 }, 'keeps no offsets'],
  ])('config %j partition %j offset %j is refused', (config, partition, offset, message) => {
    expect(() => checkSourceOffsets(config, [{ partition, offset }])).toThrow(message);
  });
});
