import {
  type DatabaseDialect,
  dialectFor,
  type Row,
  type SqlClient,
} from '@msa-sync/connect/connectors/jdbc/dialect/index';
import { type JdbcUrl, parseJdbcUrl, redactUrl } from '@msa-sync/connect/connectors/jdbc/jdbc-url';
import { SqlVocabulary } from './sql-vocabulary.js';

export type { Row, SqlClient } from '@msa-sync/connect/connectors/jdbc/dialect/index';

/**
 * The shared database a service uses, named by the same JDBC URL the JDBC connectors take
 * (`jdbc:sqlite:…`, `jdbc:mariadb://…`, `jdbc:postgresql://…`), through the connectors' own
 * dialects. Each `connect()` is a connection of its own: a service keeps one for HTTP reads and
 * one per consumer, so a consumer's transaction never interleaves with other statements.
 */
export class ServiceDatabase {
  readonly url: JdbcUrl;
  readonly dialect: DatabaseDialect;
  readonly sql: SqlVocabulary;
  readonly #user: string | undefined;
  readonly #password: string | undefined;

  constructor(
    jdbcUrl: string,
    credentials: { user?: string | undefined; password?: string | undefined } = {},
  ) {
    this.url = parseJdbcUrl(jdbcUrl);
    this.dialect = dialectFor(this.url.dialect);
    this.sql = new SqlVocabulary(this.dialect);
    this.#user = credentials.user;
    this.#password = credentials.password;
  }

  /** The URL without any password, for logs. */
  get description(): string {
    return redactUrl(this.url.url);
  }

  /** A connection that reconnects after the database went away (next statement, not mid-statement). */
  connect(): ReconnectingSqlClient {
    return new ReconnectingSqlClient(() => this.#open(this.url));
  }

  /**
   * Makes sure the URL's database exists: on MariaDB and PostgreSQL a missing database (a fresh
   * server, `DATABASE_URL=jdbc:mariadb://127.0.0.1:3306/msa`) is created, as SQLite creates its
   * file. Waits up to `timeoutMs` for a server that is still starting.
   */
  async prepare(timeoutMs = 30_000): Promise<void> {
    if (this.url.dialect === 'sqlite') return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const client = await this.#open(this.url);
        await client.close();
        return;
      } catch (error) {
        if (isUnknownDatabase(error)) {
          await this.#createDatabase();
          continue;
        }
        if (Date.now() > deadline || !this.isRetriable(error)) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async #createDatabase(): Promise<void> {
    const name = this.url.database;
    const server = await this.#open({
      ...this.url,
      database: this.url.dialect === 'postgres' ? 'postgres' : '',
    });
    try {
      if (this.url.dialect === 'mariadb') {
        await server.execute(`CREATE DATABASE IF NOT EXISTS ${this.dialect.quoteIdentifier(name)}`);
        return;
      }
      const found = await server.query('SELECT 1 AS found FROM pg_database WHERE datname = $1', [name]);
      if (found.length > 0) return;
      await server
        .execute(`CREATE DATABASE ${this.dialect.quoteIdentifier(name)}`)
        .catch((error: unknown) => {
          // 42P04 duplicate_database, 23505: another service created it at the same moment.
          const code = (error as { code?: string }).code;
          if (code !== '42P04' && code !== '23505') throw error;
        });
    } finally {
      await server.close();
    }
  }

  #open(url: JdbcUrl): Promise<SqlClient> {
    return this.dialect.connect(url, { user: this.#user, password: this.#password, timeZone: 'UTC' });
  }

  isRetriable(error: unknown): boolean {
    return this.dialect.classifyError(error).retriable || isConnectionGone(error);
  }
}

/** MariaDB 1049 (ER_BAD_DB_ERROR), PostgreSQL 3D000 (invalid_catalog_name). */
function isUnknownDatabase(error: unknown): boolean {
  const e = error as { errno?: number; code?: string };
  return e?.errno === 1049 || e?.code === 'ER_BAD_DB_ERROR' || e?.code === '3D000';
}

function isConnectionGone(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  // PostgreSQL: class 08 (connection exception) and 57P01-57P03 (the server shutting down or
  // restarting: "terminating connection due to administrator command").
  if (/^(08...|57P0[123])$/.test(code)) return true;
  const text = `${code} ${(error as Error)?.message ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|EPIPE|closed|terminated|not open|not queryable|socket/i.test(text);
}

/**
 * A SqlClient that opens its connection on first use and opens a new one after a statement
 * failed because the connection broke. A read is then run once more; a failed write still fails:
 * callers decide whether to retry (for consumers: the batch is re-read from Kafka).
 */
export class ReconnectingSqlClient implements SqlClient {
  readonly #open: () => Promise<SqlClient>;
  #client: Promise<SqlClient> | undefined;

  constructor(open: () => Promise<SqlClient>) {
    this.#open = open;
  }

  // Not async: `#run` compares the promise it got with `#client` to know whether the broken
  // connection is still the current one, so this must hand out that very promise.
  #get(): Promise<SqlClient> {
    if (!this.#client) {
      const opening = this.#open();
      this.#client = opening;
      opening.catch(() => {
        if (this.#client === opening) this.#client = undefined;
      });
    }
    return this.#client;
  }

  /**
   * `repeatable` work (a read) that failed because its connection broke runs once more on a new
   * connection: after a database restart the first read would otherwise answer 500 although the
   * database is back. A failure to open is not repeated (the database is down: fail fast).
   */
  async #run<T>(work: (client: SqlClient) => Promise<T>, repeatable = false): Promise<T> {
    const current = this.#get();
    const client = await current;
    try {
      return await work(client);
    } catch (error) {
      if (!isConnectionGone(error)) throw error;
      if (this.#client === current) {
        this.#client = undefined;
        client.close().catch(() => {});
      }
      if (repeatable) return this.#run(work);
      throw error;
    }
  }

  /** Only reads go through here (writes use execute/transaction), so a broken connection is retried. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.#run((c) => c.query<T>(sql, params), true);
  }

  execute(sql: string, params?: readonly unknown[]): Promise<{ affectedRows: number }> {
    return this.#run((c) => c.execute(sql, params));
  }

  executeMany(sql: string, rows: readonly (readonly unknown[])[]): Promise<{ affectedRows: number }> {
    return this.#run((c) => c.executeMany(sql, rows));
  }

  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.#run((c) => c.transaction(work));
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client) await (await client.catch(() => undefined))?.close();
  }
}

/**
 * Runs a CREATE TABLE IF NOT EXISTS, once more if it failed: PostgreSQL can report a duplicate
 * type when two instances create the same table at the same moment.
 */
export async function ensureTable(client: SqlClient, ddl: string): Promise<void> {
  try {
    await client.execute(ddl);
  } catch (error) {
    await new Promise((r) => setTimeout(r, 200));
    await client.execute(ddl).catch(() => {
      throw error;
    });
  }
}

/** A health check that the database answers a trivial query. */
export async function databaseHealth(
  client: SqlClient,
): Promise<{ status: 'UP' | 'DOWN'; critical: true; detail?: string }> {
  try {
    await client.query('SELECT 1');
    return { status: 'UP', critical: true };
  } catch (error) {
    return { status: 'DOWN', critical: true, detail: (error as Error).message };
  }
}
