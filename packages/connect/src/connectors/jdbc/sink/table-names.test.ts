import { describe, expect, it } from 'vitest';
import { parseJdbcSinkConfig } from './jdbc-sink-config.js';
import { sinkDialectFor } from './sink-dialects.js';
import { tableIdFor } from './table-names.js';

const mariadbSinkDialect = sinkDialectFor('mariadb');
const postgresSinkDialect = sinkDialectFor('postgres');

const pg = (props: Record<string, string> = {}) =>
  parseJdbcSinkConfig({ 'connection.url': 'jdbc:postgresql://h:5432/db', ...props });
const maria = (props: Record<string, string> = {}) =>
  parseJdbcSinkConfig({ 'connection.url': 'jdbc:mariadb://h:3306/shop', ...props });

describe('tableIdFor', () => {
  it('never splits a dotted topic; dots in the format or the mapping do split', () => {
    expect(tableIdFor(pg(), postgresSinkDialect, 'a.b.c')).toEqual({ table: 'a.b.c' });
    expect(tableIdFor(maria(), mariadbSinkDialect, 'a.b.c')).toEqual({ catalog: 'shop', table: 'a.b.c' });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Connect's placeholder
    const format = { 'table.name.format': 'analytics.${topic}' };
    expect(tableIdFor(pg(format), postgresSinkDialect, 'a.b')).toEqual({ schema: 'analytics', table: 'a.b' });
    const mapped = pg({ ...format, 'topics.to.tables.mapping': 'a.b:sales.orders' });
    expect(tableIdFor(mapped, postgresSinkDialect, 'a.b')).toEqual({ schema: 'sales', table: 'orders' });
    expect(tableIdFor(mapped, postgresSinkDialect, 'other')).toEqual({ schema: 'analytics', table: 'other' });
  });

  it('quote.sql.identifiers=never folds as the database folds unquoted names', () => {
    const never = { 'quote.sql.identifiers': 'never', 'topics.to.tables.mapping': 'T:Sales.Orders' };
    expect(tableIdFor(pg(never), postgresSinkDialect, 'MyTopic')).toEqual({ table: 'mytopic' });
    expect(tableIdFor(pg(never), postgresSinkDialect, 'T')).toEqual({ schema: 'sales', table: 'orders' });
    expect(tableIdFor(maria(never), mariadbSinkDialect, 'MyTopic')).toEqual({
      catalog: 'shop',
      table: 'MyTopic',
    });
    expect(tableIdFor(pg(), postgresSinkDialect, 'MyTopic')).toEqual({ table: 'MyTopic' });
  });
});
