import { describe, expect, it } from 'vitest';
import { ConfigException } from '../../../config/config-types.js';
import {
  jdbcSinkConfigDef,
  jdbcSinkProblems,
  parseJdbcSinkConfig,
  TOPIC_PLACEHOLDER,
} from './jdbc-sink-config.js';

const base = { 'connection.url': 'jdbc:mariadb://localhost:3307/mydb', topics: 't' };

describe('JDBC sink config', () => {
  it("has Confluent's keys and defaults", () => {
    const c = parseJdbcSinkConfig({ ...base, 'connection.password': 'secret' });
    expect(c).toMatchObject({
      insertMode: 'insert',
      pkMode: 'none',
      pkFields: [],
      autoCreate: false,
      autoEvolve: false,
      deleteEnabled: false,
      tableNameFormat: TOPIC_PLACEHOLDER,
      batchSize: 3000,
      maxRetries: 10,
      retryBackoffMs: 3000,
      dbTimezone: 'UTC',
      quoteIdentifiers: true,
      exactlyOnceOffsetsTable: '',
    });
    expect(c.url).toMatchObject({ dialect: 'mariadb', host: 'localhost', port: 3307, database: 'mydb' });
    expect(String(c.password)).toBe('[hidden]');
    expect(JSON.stringify(c)).not.toContain('secret');
    expect(jdbcSinkConfigDef.key('connection.password')?.type).toBe('PASSWORD');
  });

  it('reports problems per key, as Confluent refuses them', () => {
    const problems = jdbcSinkProblems({
      'connection.url': 'jdbc:oracle:thin:@x',
      'delete.enabled': 'true',
      'pk.mode': 'none',
      'pk.fields': 'id',
      'insert.mode': 'upsert',
      'db.timezone': 'Mars/Olympus',
    });
    expect(problems.get('connection.url')?.[0]).toMatch(/Invalid connection.url.*expected jdbc:mariadb/);
    expect(problems.get('delete.enabled')).toEqual([
      "Primary key mode must be 'record_key' when delete support is enabled",
    ]);
    expect(problems.get('pk.fields')?.[0]).toMatch(/pk.mode is none/);
    expect(problems.get('pk.mode')?.[0]).toMatch(/insert.mode=upsert needs a primary key/);
    expect(problems.get('db.timezone')?.[0]).toMatch(/Invalid time zone/);
    expect(
      jdbcSinkProblems({ ...base, 'dialect.name': 'PostgreSqlDatabaseDialect' }).get('dialect.name')?.[0],
    ).toMatch(/does not match/);
    expect(
      jdbcSinkProblems({ ...base, 'pk.mode': 'kafka', 'pk.fields': 'a,b' }).get('pk.fields')?.[0],
    ).toMatch(/exactly 3/);
    expect(jdbcSinkProblems({ ...base, 'delete.enabled': 'true', 'pk.mode': 'record_key' }).size).toBe(0);
  });

  it('throws the first problem when parsing', () => {
    expect(() => parseJdbcSinkConfig({ ...base, 'delete.enabled': 'true' })).toThrow(ConfigException);
    expect(() => parseJdbcSinkConfig({ ...base, 'insert.mode': 'merge' })).toThrow(/insert.mode/);
    expect(() => parseJdbcSinkConfig({ topics: 't' })).toThrow(/connection.url/);
  });

  it('insert.mode=insert.ignore needs a primary key; batch.max.wait.ms defaults to a second', () => {
    expect(jdbcSinkProblems({ ...base, 'insert.mode': 'insert.ignore' }).get('pk.mode')?.[0]).toMatch(
      /insert.mode=insert.ignore needs a primary key/,
    );
    const c = parseJdbcSinkConfig({ ...base, 'insert.mode': 'INSERT.IGNORE', 'pk.mode': 'kafka' });
    expect(c).toMatchObject({ insertMode: 'insert.ignore', batchMaxWaitMs: 50 });
  });
});
