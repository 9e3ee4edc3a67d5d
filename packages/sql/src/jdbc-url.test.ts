import { describe, expect, it } from 'vitest';
import { parseJdbcUrl, redactUrl } from './jdbc-url.js';

describe('parseJdbcUrl', () => {
  it('reads the seed URL and its siblings', () => {
    expect(parseJdbcUrl('jdbc:mariadb://localhost:3307/mydb')).toMatchObject({
      dialect: 'mariadb',
      host: 'localhost',
      port: 3307,
      database: 'mydb',
    });
    expect(parseJdbcUrl('jdbc:mysql://db.example/shop?useSSL=false')).toMatchObject({
      dialect: 'mariadb',
      port: 3306,
      database: 'shop',
    });
    const pg = parseJdbcUrl('jdbc:postgresql://127.0.0.1/orders?user=app&password=s3cret');
    expect(pg).toMatchObject({ dialect: 'postgres', port: 5432, database: 'orders' });
    expect(pg.params.get('user')).toBe('app');
    expect(parseJdbcUrl('jdbc:sqlite:.data/shop.db')).toMatchObject({
      dialect: 'sqlite',
      database: '.data/shop.db',
    });
    expect(parseJdbcUrl('jdbc:sqlite::memory:')).toMatchObject({ dialect: 'sqlite', database: ':memory:' });
    expect(parseJdbcUrl('jdbc:mariadb://[::1]:3306/x')).toMatchObject({ host: '::1', port: 3306 });
  });

  it('rejects what it cannot serve with the reason, never echoing a password', () => {
    expect(() => parseJdbcUrl('jdbc:oracle:thin:@h:1521/x')).toThrow(/expected jdbc:mariadb/);
    expect(() => parseJdbcUrl('jdbc:mariadb://h:99999/x')).toThrow(/bad port/);
    expect(() => parseJdbcUrl('jdbc:sqlite:')).toThrow(/no database file/);
    expect(() => parseJdbcUrl('jdbc:foo://h/x?password=topsecret')).toThrow(/password=\[hidden\]/);
    expect(redactUrl('jdbc:mariadb://u:pw@h/db?password=x&a=1')).toBe(
      'jdbc:mariadb://u:[hidden]@h/db?password=[hidden]&a=1',
    );
  });
});
