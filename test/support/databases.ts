import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DatabaseDialect,
  type DialectName,
  dialectFor,
  parseJdbcUrl,
  type SqlClient,
} from '@msa-sync/sql';
import { uniqueName } from './run-process.js';

/**
 * A database of its own for one test, on the real servers of this machine (MariaDB as root
 * without password, PostgreSQL with trust auth as postgres) or in a temporary SQLite file.
 */
export interface TestDatabase {
  dialect: DatabaseDialect;
  /** JDBC URL as a connector config would carry it. */
  url: string;
  user: string | undefined;
  password: string | undefined;
  connect(): Promise<SqlClient>;
  drop(): Promise<void>;
}

export const ALL_DIALECTS: DialectName[] = ['mariadb', 'postgres', 'sqlite'];

const admin = {
  mariadb: { url: 'jdbc:mariadb://127.0.0.1:3306/', user: 'root' },
  postgres: { url: 'jdbc:postgresql://127.0.0.1:5432/postgres', user: 'postgres' },
};

export async function createTestDatabase(name: DialectName, prefix = 'msa'): Promise<TestDatabase> {
  const dialect = dialectFor(name);
  const dbName = uniqueName(prefix).replaceAll('-', '_').toLowerCase();
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'msa-sqlite-'));
    const url = `jdbc:sqlite:${join(dir, `${dbName}.db`)}`;
    return {
      dialect,
      url,
      user: undefined,
      password: undefined,
      connect: () => dialect.connect(parseJdbcUrl(url), {}),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const { url: adminUrl, user } = admin[name];
  const adminClient = await dialect.connect(parseJdbcUrl(adminUrl), { user });
  await adminClient.execute(`CREATE DATABASE ${dialect.quoteIdentifier(dbName)}`);
  await adminClient.close();
  const url =
    name === 'mariadb'
      ? `jdbc:mariadb://127.0.0.1:3306/${dbName}`
      : `jdbc:postgresql://127.0.0.1:5432/${dbName}`;
  return {
    dialect,
    url,
    user,
    password: undefined,
    connect: () => dialect.connect(parseJdbcUrl(url), { user }),
    drop: async () => {
      const c = await dialect.connect(parseJdbcUrl(adminUrl), { user });
      try {
        await c.execute(
          name === 'postgres'
            ? `DROP DATABASE IF EXISTS ${dialect.quoteIdentifier(dbName)} WITH (FORCE)`
            : `DROP DATABASE IF EXISTS ${dialect.quoteIdentifier(dbName)}`,
        );
      } finally {
        await c.close();
      }
    },
  };
}
