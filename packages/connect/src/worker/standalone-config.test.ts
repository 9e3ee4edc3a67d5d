import { describe, expect, it } from 'vitest';
import { standaloneWorkerConfig } from './standalone-config.js';

const base = (extra: Record<string, string> = {}) =>
  new Map(
    Object.entries({
      'bootstrap.servers': '127.0.0.1:9092',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'offset.storage.file.filename': '/tmp/connect.offsets',
      'offset.flush.interval.ms': '10000',
      ...extra,
    }),
  );

describe('standalone worker config (Apache connect-standalone.properties)', () => {
  it('reads the keys of Apache’s connect-standalone.properties, offsets file and flush interval included', () => {
    const config = standaloneWorkerConfig(base({ 'plugin.path': '/usr/share/java' }), {});
    expect(config.offsetFile).toBe('/tmp/connect.offsets');
    expect(config.offsetFlushIntervalMs).toBe(10_000);
    expect(config.valueConverterConfig).toEqual({ 'schemas.enable': 'false' });
    expect(config.bootstrapServers).toEqual(['127.0.0.1:9092']);
    // Apache's standalone worker has no exactly-once source support.
    expect(config.exactlyOnceSource).toBe(false);
    expect(config.notes.join('\n')).toMatch(/plugin\.path is accepted and ignored/);
  });

  it('resolves a relative offsets file against the working directory', () => {
    const config = standaloneWorkerConfig(base({ 'offset.storage.file.filename': 'data/c.offsets' }), {});
    expect(config.offsetFile).toBe(`${process.cwd()}/data/c.offsets`);
  });

  it('requires offset.storage.file.filename, as Apache does', () => {
    const props = base();
    props.delete('offset.storage.file.filename');
    expect(() => standaloneWorkerConfig(props, {})).toThrow(
      'Missing required configuration "offset.storage.file.filename" which has no default value',
    );
  });

  it('refuses distributed-only keys rather than ignore them', () => {
    expect(() =>
      standaloneWorkerConfig(base({ 'group.id': 'g', 'exactly.once.source.support': 'enabled' }), {}),
    ).toThrow(
      /^group\.id, exactly\.once\.source\.support: distributed-mode settings a standalone worker does not use/,
    );
    for (const key of [
      'config.storage.topic',
      'offset.storage.topic',
      'status.storage.replication.factor',
      'inter.worker.key.size',
    ]) {
      expect(() => standaloneWorkerConfig(base({ [key]: 'x' }), {})).toThrow(key);
    }
  });
});
