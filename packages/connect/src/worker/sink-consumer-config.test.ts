import { describe, expect, it } from 'vitest';
import { clientOverrideConfigDef } from '../config/client-overrides.js';
import { ConfigException } from '../config/config-types.js';
import { DEFAULT_SINK_MAX_BATCH, sinkConsumerSettings } from './sink-consumer-config.js';

describe('sinkConsumerSettings', () => {
  it('keeps the worker’s defaults when no override is given', () => {
    expect(sinkConsumerSettings({ topics: 'orders' }, 'All')).toEqual({
      maxBatch: DEFAULT_SINK_MAX_BATCH,
      isolationLevel: undefined,
      fallbackMode: undefined,
      consumerOverrides: {},
    });
  });

  it('types the overrides the worker reads itself and passes the others to the consumer', () => {
    expect(
      sinkConsumerSettings(
        {
          'consumer.override.max.poll.records': '250',
          'consumer.override.isolation.level': 'READ_COMMITTED',
          'consumer.override.auto.offset.reset': 'none',
          'consumer.override.fetch.max.wait.ms': '100',
        },
        'All',
      ),
    ).toEqual({
      maxBatch: 250,
      isolationLevel: 'read_committed',
      fallbackMode: 'fail',
      consumerOverrides: { maxWaitTime: 100 },
    });
  });

  it('refuses a value the definition refuses, with Kafka’s message', () => {
    const attempt = () => sinkConsumerSettings({ 'consumer.override.isolation.level': 'dirty' }, 'All');
    expect(attempt).toThrow(ConfigException);
    expect(attempt).toThrow(
      'Invalid value dirty for configuration consumer.override.isolation.level: String must be one of (case insensitive): READ_COMMITTED, READ_UNCOMMITTED',
    );
    expect(() => sinkConsumerSettings({ 'consumer.override.max.poll.records': '0' }, 'All')).toThrow(
      'Invalid value 0 for configuration consumer.override.max.poll.records: Value must be at least 1',
    );
  });

  it('refuses overrides the worker’s policy forbids', () => {
    expect(() => sinkConsumerSettings({ 'consumer.override.max.poll.records': '3' }, 'None')).toThrow(
      /Client Config Overrides not allowed/,
    );
  });
});

describe('clientOverrideConfigDef', () => {
  it('defines each applied override with the Java client’s default, as REST validate shows it', () => {
    const def = clientOverrideConfigDef('consumer');
    expect(def.key('consumer.override.max.poll.records')).toMatchObject({
      type: 'INT',
      defaultValue: 500,
      importance: 'LOW',
      group: null,
    });
    expect(def.key('consumer.override.group.id')).toBeUndefined();
    expect(clientOverrideConfigDef('producer').key('producer.override.acks')?.defaultValue).toBe('all');
  });
});
