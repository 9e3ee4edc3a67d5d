import { describe, expect, it } from 'vitest';
import { lookupConnectorConfig } from './config-lookup.js';

/** A config topic seen through a worker's memory: `pending` records land only on a read to end. */
function fakeTopic(
  held: Record<string, Record<string, string>>,
  pending: Record<string, Record<string, string>> = {},
) {
  const configs = new Map(Object.entries(held));
  let reads = 0;
  return {
    configs,
    reads: () => reads,
    readToEnd: async () => {
      reads++;
      for (const [name, config] of Object.entries(pending)) configs.set(name, config);
    },
  };
}

describe('lookupConnectorConfig', () => {
  it('answers a read of a known connector from memory, without reading the topic', async () => {
    const topic = fakeTopic({ a: { 'connector.class': 'A' } });
    await expect(lookupConnectorConfig(topic.configs, 'a', topic.readToEnd, false)).resolves.toEqual({
      'connector.class': 'A',
    });
    expect(topic.reads()).toBe(0);
  });

  it('reads to the end before calling a connector unknown, so a just-created one is found', async () => {
    const topic = fakeTopic({}, { b: { 'connector.class': 'B' } });
    await expect(lookupConnectorConfig(topic.configs, 'b', topic.readToEnd, false)).resolves.toEqual({
      'connector.class': 'B',
    });
    expect(topic.reads()).toBe(1);
    await expect(lookupConnectorConfig(topic.configs, 'c', topic.readToEnd, false)).resolves.toBeUndefined();
    expect(topic.reads()).toBe(2);
  });

  it('reads to the end before a write even when the connector is held, so writes act on fresh state', async () => {
    const topic = fakeTopic({ a: { v: '1' } }, { a: { v: '2' } });
    await expect(lookupConnectorConfig(topic.configs, 'a', topic.readToEnd, true)).resolves.toEqual({
      v: '2',
    });
    expect(topic.reads()).toBe(1);
  });

  it('fails a lookup when the topic cannot be read to its end', async () => {
    const failing = async () => {
      throw new Error('Timed out reading connect-configs to its end');
    };
    await expect(lookupConnectorConfig(new Map(), 'x', failing, false)).rejects.toThrow(/Timed out/);
  });
});
