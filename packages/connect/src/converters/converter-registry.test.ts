import { describe, expect, it } from 'vitest';
import { ByteArrayConverter } from './byte-array-converter.js';
import { ConverterRegistry, converterRegistry, createConverter } from './converter-registry.js';
import { JsonConverter } from './json/json-converter.js';
import { StringConverter } from './string-converter.js';

describe('converter registry', () => {
  it.each([
    ['org.apache.kafka.connect.json.JsonConverter', JsonConverter],
    ['JsonConverter', JsonConverter],
    ['Json', JsonConverter],
    ['org.apache.kafka.connect.storage.StringConverter', StringConverter],
    ['StringConverter', StringConverter],
    ['String', StringConverter],
    ['org.apache.kafka.connect.converters.ByteArrayConverter', ByteArrayConverter],
    ['ByteArrayConverter', ByteArrayConverter],
    ['ByteArray', ByteArrayConverter],
    [' JsonConverter ', JsonConverter],
  ])('creates %s', (name, type) => {
    expect(createConverter(name)).toBeInstanceOf(type);
  });

  it('creates a new instance each time', () => {
    expect(createConverter('Json')).not.toBe(createConverter('Json'));
  });

  it('throws a clear error for an unknown class', () => {
    expect(() => createConverter('io.confluent.connect.avro.AvroConverter')).toThrow(
      /Class io.confluent.connect.avro.AvroConverter could not be found. Known converters: org.apache.kafka.connect.json.JsonConverter/,
    );
    expect(converterRegistry.resolve('json')).toBeUndefined();
  });

  it('drops an alias two classes claim', () => {
    const registry = new ConverterRegistry()
      .register('a.JsonConverter', () => new JsonConverter())
      .register('b.JsonConverter', () => new JsonConverter());
    expect(registry.resolve('JsonConverter')).toBeUndefined();
    expect(registry.resolve('b.JsonConverter')).toBe('b.JsonConverter');
  });
});
