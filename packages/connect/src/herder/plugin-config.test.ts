import { describe, expect, it } from 'vitest';
import { builtInPlugins } from '../bin/built-in-plugins.js';
import { converterRegistry } from '../converters/converter-registry.js';
import type { ConfigKeyInfo } from '../entities.js';
import { ConnectError } from '../errors/connect-error.js';
import { PluginRegistry } from '../worker/plugins.js';
import { listPlugins } from './herder-support.js';
import { pluginConfigKeys } from './plugin-config.js';

const registry = new PluginRegistry(builtInPlugins());

/** A key as Apache 4.3.1 answers it, without documentation (ours is our own words) and order. */
function summary(key: ConfigKeyInfo) {
  return [
    key.name,
    key.type,
    key.required,
    key.default_value,
    key.importance,
    key.group,
    key.width,
    key.display_name,
  ];
}

/** Each key's order in its group, read from the ConfigDef (the JSON field's name is not ours to pin). */
function orders(className: string): Record<string, number> {
  const def = converterRegistry.configDef(className);
  return Object.fromEntries([...(def?.keys().values() ?? [])].map((k) => [k.name, k.orderInGroup]));
}

const CONVERTER_TYPE = ['converter.type', 'STRING', true, null, 'LOW', null, 'NONE', 'converter.type'];

describe('GET /connector-plugins/{converter}/config', () => {
  it("JsonConverter: Apache's JsonConverterConfig, then msa-sync's float.format", () => {
    const keys = pluginConfigKeys(registry, 'org.apache.kafka.connect.json.JsonConverter');
    expect(keys.map(summary)).toEqual([
      CONVERTER_TYPE,
      ['schemas.enable', 'BOOLEAN', false, 'true', 'HIGH', 'Schemas', 'MEDIUM', 'Enable Schemas'],
      ['schemas.cache.size', 'INT', false, '1000', 'HIGH', 'Schemas', 'MEDIUM', 'Schema Cache Size'],
      ['schema.content', 'STRING', false, null, 'HIGH', 'Schemas', 'MEDIUM', 'Schema Content'],
      ['decimal.format', 'STRING', false, 'BASE64', 'LOW', 'Serialization', 'MEDIUM', 'Decimal Format'],
      [
        'replace.null.with.default',
        'BOOLEAN',
        false,
        'true',
        'LOW',
        'Serialization',
        'MEDIUM',
        'Replace null with default',
      ],
      ['float.format', 'STRING', false, 'LEGACY', 'LOW', 'Serialization', 'MEDIUM', 'Float Format'],
    ]);
    expect(orders('org.apache.kafka.connect.json.JsonConverter')).toEqual({
      'converter.type': -1,
      'schemas.enable': 0,
      'schemas.cache.size': 1,
      'schema.content': 2,
      'decimal.format': 0,
      'replace.null.with.default': 1,
      'float.format': 2,
    });
    for (const key of keys) {
      expect(key.dependents).toEqual([]);
      expect(key.documentation).not.toBe('');
    }
  });

  it("StringConverter: Apache's StringConverterConfig, then float.format", () => {
    const keys = pluginConfigKeys(registry, 'org.apache.kafka.connect.storage.StringConverter');
    expect(keys.map(summary)).toEqual([
      CONVERTER_TYPE,
      ['converter.encoding', 'STRING', false, 'UTF-8', 'HIGH', null, 'MEDIUM', 'Encoding'],
      ['float.format', 'STRING', false, 'LEGACY', 'LOW', null, 'MEDIUM', 'Float Format'],
    ]);
    expect(orders('org.apache.kafka.connect.storage.StringConverter')['converter.encoding']).toBe(-1);
  });

  it.each([
    'org.apache.kafka.connect.converters.ByteArrayConverter',
    'org.apache.kafka.connect.converters.BooleanConverter',
    'org.apache.kafka.connect.converters.DoubleConverter',
    'org.apache.kafka.connect.converters.FloatConverter',
    'org.apache.kafka.connect.converters.IntegerConverter',
    'org.apache.kafka.connect.converters.LongConverter',
    'org.apache.kafka.connect.converters.ShortConverter',
  ])('%s: converter.type only (Apache ConverterConfig)', (className) => {
    expect(pluginConfigKeys(registry, className).map(summary)).toEqual([CONVERTER_TYPE]);
  });

  it('SimpleHeaderConverter has no settings; aliases resolve; an unknown class is 404', () => {
    expect(pluginConfigKeys(registry, 'org.apache.kafka.connect.storage.SimpleHeaderConverter')).toEqual([]);
    expect(pluginConfigKeys(registry, 'SimpleHeaderConverter')).toEqual([]);
    expect(pluginConfigKeys(registry, 'JsonConverter').map((k) => k.name)).toContain('schema.content');
    expect(() => pluginConfigKeys(registry, 'io.confluent.connect.avro.AvroConverter')).toThrow(ConnectError);
  });

  it('the keys a connector may set under value.converter. are exactly those of the ConfigDef', () => {
    expect(converterRegistry.configKeys('Json')).toEqual(
      pluginConfigKeys(registry, 'org.apache.kafka.connect.json.JsonConverter').map((k) => k.name),
    );
  });
});

describe('GET /connector-plugins/{connector}/config: the plugin.version keys', () => {
  it("connector.plugin.version defaults to the connector's version, the converters' to nothing", () => {
    const plugin = registry.find('FileStreamSinkConnector');
    const keys = Object.fromEntries(
      pluginConfigKeys(registry, 'FileStreamSinkConnector').map((k) => [k.name, k]),
    );
    expect(keys['connector.plugin.version']).toMatchObject({
      type: 'STRING',
      default_value: plugin?.version,
      importance: 'MEDIUM',
      group: 'Common',
      display_name: 'Connector version',
    });
    for (const name of [
      'key.converter.plugin.version',
      'value.converter.plugin.version',
      'header.converter.plugin.version',
    ]) {
      expect(keys[name]).toMatchObject({
        type: 'STRING',
        default_value: null,
        importance: 'LOW',
        group: 'Common',
      });
    }
  });
});

describe('GET /connector-plugins?connectorsOnly=false', () => {
  it('lists SimpleHeaderConverter as the only header_converter, after the converters', () => {
    const all = listPlugins(registry, false);
    const types = all.map((p) => p.type);
    expect(all.filter((p) => p.type === 'header_converter')).toEqual([
      {
        class: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
        type: 'header_converter',
        version: expect.any(String),
      },
    ]);
    // As in Apache, SimpleHeaderConverter is not a (key/value) converter.
    expect(all.filter((p) => p.class.endsWith('SimpleHeaderConverter'))).toHaveLength(1);
    expect(types.lastIndexOf('converter')).toBeLessThan(types.indexOf('header_converter'));
    expect(types.indexOf('header_converter')).toBeLessThan(types.indexOf('transformation'));
    expect(listPlugins(registry, true).every((p) => p.type === 'source' || p.type === 'sink')).toBe(true);
  });
});
