import { describe, expect, it } from 'vitest';
import type { SinkRecord } from '../api/records.js';
import { Schemas } from '../data/schemas.js';
import { filterPlugins } from './filter.js';

const plugin = filterPlugins[0] as (typeof filterPlugins)[number];

describe('Filter', () => {
  it('is registered under Apache class name, without config keys', () => {
    expect(filterPlugins).toHaveLength(1);
    expect(plugin.className).toBe('org.apache.kafka.connect.transforms.Filter');
    expect(plugin.configDef.keys().size).toBe(0);
    expect(plugin.version).toBe('4.4.0');
  });

  it('drops every record', () => {
    const filter = plugin.create({});
    const record: SinkRecord = {
      topic: 't',
      kafkaPartition: 0,
      kafkaOffset: 0n,
      keySchema: undefined,
      key: null,
      valueSchema: Schemas.STRING,
      value: 'v',
      timestamp: undefined,
      headers: [],
    };
    expect(filter.apply(record)).toBeNull();
    expect(filter.apply({ ...record, value: null, valueSchema: undefined })).toBeNull();
    expect(filter.apply({ topic: 'source-topic' })).toBeNull();
  });

  it('ignores config keys it does not define, as Apache does', () => {
    expect(plugin.create({ whatever: 'x' }).apply({ topic: 't' })).toBeNull();
  });
});
