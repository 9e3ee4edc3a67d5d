import { describe, expect, it } from 'vitest';
import { sinkConnectorConfigDef } from './connector-config.js';
import { errorHandlingConfig } from './error-handling-config.js';

describe('errorHandlingConfig', () => {
  it('gives Connect’s defaults for an empty config', () => {
    expect(errorHandlingConfig({})).toEqual({
      tolerance: 'none',
      retryTimeoutMs: 0,
      retryMaxDelayMs: 60000,
      logEnable: false,
      logIncludeMessages: false,
      dlqTopic: '',
      dlqReplicationFactor: 3,
      dlqContextHeaders: false,
    });
  });

  it('parses each key into its type, booleans in any case and strings trimmed as Kafka does', () => {
    expect(
      errorHandlingConfig({
        'errors.tolerance': 'all',
        'errors.retry.timeout': '-1',
        'errors.retry.delay.max.ms': '250',
        'errors.log.enable': 'TRUE',
        'errors.log.include.messages': 'true',
        'errors.deadletterqueue.topic.name': ' dlq ',
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'True',
      }),
    ).toEqual({
      tolerance: 'all',
      retryTimeoutMs: -1,
      retryMaxDelayMs: 250,
      logEnable: true,
      logIncludeMessages: true,
      dlqTopic: 'dlq',
      dlqReplicationFactor: 1,
      dlqContextHeaders: true,
    });
  });

  it('refuses a value the definitions refuse, with Kafka’s message', () => {
    expect(() => errorHandlingConfig({ 'errors.tolerance': 'some' })).toThrow(
      'Invalid value some for configuration errors.tolerance: String must be one of: none, all',
    );
    expect(() => errorHandlingConfig({ 'errors.retry.timeout': 'soon' })).toThrow(
      'Invalid value soon for configuration errors.retry.timeout: Not a number of type LONG',
    );
    expect(() => errorHandlingConfig({ 'errors.deadletterqueue.topic.replication.factor': '40000' })).toThrow(
      /Not a number of type SHORT/,
    );
  });

  it('reads the same defaults the sink connector definition shows', () => {
    const keys = sinkConnectorConfigDef().keys();
    const errorKeys = [...keys.values()].filter((k) => k.name.startsWith('errors.'));
    expect(errorKeys.map((k) => [k.name, k.orderInGroup])).toEqual([
      ['errors.retry.timeout', 1],
      ['errors.retry.delay.max.ms', 2],
      ['errors.tolerance', 3],
      ['errors.log.enable', 4],
      ['errors.log.include.messages', 5],
      ['errors.deadletterqueue.topic.name', 6],
      ['errors.deadletterqueue.topic.replication.factor', 7],
      ['errors.deadletterqueue.context.headers.enable', 8],
    ]);
    expect(errorHandlingConfig({}).retryMaxDelayMs).toBe(keys.get('errors.retry.delay.max.ms')?.defaultValue);
  });
});
