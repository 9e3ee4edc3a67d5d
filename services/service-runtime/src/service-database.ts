import {
  type ConnectOptions,
  type DatabaseDialect,
  dialectFor,
  isConnectionLost,
  type JdbcUrl,
  parseJdbcUrl,
  type Row,
  redactUrl,
  type SqlClient,
} from '@msa-sync/sql';
import { SqlVocabulary } from './sql-vocabulary.js';

export type { Row, SqlClient } from '@msa-sync/sql';

/**
 * The shared database a service uses, named by the same JDBC URL the JDBC connectors take
 * (`jdbc:sqlite:…`, `jdbc:mariadb://…`, `jdbc:postgresql://…`), through the same dialects
 * (@msa-sync/sql). Each `connect()` is a connection of its own: a service keeps one for HTTP reads and
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
    if (this.dialect.embedded) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const client = await this.#open(this.url);
        await client.close();
        return;
      } catch (error) {
        if (this.dialect.isUnknownDatabase(error)) {
          await this.dialect.createDatabase(this.url, this.#options());
          continue;
        }
        if (Date.now() > deadline || !this.isRetriable(error)) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  #open(url: JdbcUrl): Promise<SqlClient> {
    return this.dialect.connect(url, this.#options());
  }

  #options(): ConnectOptions {
    return { user: this.#user, password: this.#password, timeZone: 'UTC' };
  }

  isRetriable(error: unknown): boolean {
    return this.dialect.classifyError(error).retriable || isConnectionLost(error);
  }
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
      if (!isConnectionLost(error)) throw error;
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
