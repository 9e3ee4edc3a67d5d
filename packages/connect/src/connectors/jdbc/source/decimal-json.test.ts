import { describe, expect, it } from 'vitest';
import { JsonConverter } from '../../../converters/json/json-converter.js';
import { SchemaBuilder, Struct } from '../../../data/index.js';
import { columnMapping } from './column-types.js';
import { parseSourceSettings } from './jdbc-source-config.js';

describe('source decimals through the JsonConverter', () => {
  it('best_fit is the default; numeric.precision.mapping still means precision_only', () => {
    const base = { 'connection.url': 'jdbc:mariadb://127.0.0.1:3306/x', mode: 'bulk', 'topic.prefix': 'p_' };
    expect(parseSourceSettings(base).numericMapping).toBe('best_fit');
    expect(parseSourceSettings({ ...base, 'numeric.precision.mapping': 'true' }).numericMapping).toBe(
      'precision_only',
    );
    expect(parseSourceSettings({ ...base, 'numeric.mapping': 'STRING' }).numericMapping).toBe('string');
  });

  it('a DECIMAL(30,6) column is a JSON number with decimal.format=NUMERIC, text with numeric.mapping=string', () => {
    const raw = '123456789012345678901234.000001';
    const write = (mapping: 'best_fit' | 'string', format: string) => {
      const column = columnMapping({ kind: 'decimal', precision: 30, scale: 6 }, false, {
        numericMapping: mapping,
        timeZone: 'UTC',
      });
      const schema = SchemaBuilder.struct().name('t').field('amount', column.schema).build();
      const converter = new JsonConverter();
      converter.configure({ 'schemas.enable': 'false', 'decimal.format': format }, false);
      const value = new Struct(schema).put('amount', column.convert(raw));
      return converter.fromConnectData('t', schema, value)?.toString('utf8');
    };
    expect(write('best_fit', 'NUMERIC')).toBe(`{"amount":${raw}}`);
    expect(write('best_fit', 'BASE64')).toMatch(/^\{"amount":"[A-Za-z0-9+/=]+"\}$/);
    expect(write('string', 'BASE64')).toBe(`{"amount":"${raw}"}`);
  });
});
