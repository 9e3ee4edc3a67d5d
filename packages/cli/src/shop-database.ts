import {
  type DatabaseDialect,
  dialectFor,
  type JdbcUrl,
  parseJdbcUrl,
  type Row,
  redactUrl,
  type SqlClient,
} from '@msa-sync/sql';

export interface DatabaseCredentials {
  user?: string | undefined;
  password?: string | undefined;
}

/**
 * The shop's shared database as the CLI reads it: the same JDBC URL the services and the sink
 * get (`DATABASE_URL`), opened through the same dialects (@msa-sync/sql). Credentials come from the URL
 * (`?user=…`) or, as for the services, from DATABASE_USER / DATABASE_PASSWORD.
 */
export class ShopDatabase {
  readonly url: JdbcUrl;
  readonly dialect: DatabaseDialect;
  readonly client: SqlClient;

  private constructor(url: JdbcUrl, dialect: DatabaseDialect, client: SqlClient) {
    this.url = url;
    this.dialect = dialect;
    this.client = client;
  }

  static async open(jdbcUrl: string, credentials: DatabaseCredentials = {}): Promise<ShopDatabase> {
    const url = parseJdbcUrl(jdbcUrl);
    const dialect = dialectFor(url.dialect);
    const client = await dialect.connect(url, {
      user: credentials.user,
      password: credentials.password,
      timeZone: 'UTC',
    });
    return new ShopDatabase(url, dialect, client);
  }

  get description(): string {
    return redactUrl(this.url.url);
  }

  id(name: string): string {
    return this.dialect.quoteIdentifier(name);
  }

  /** `(p1, p2, …)` for `count` parameters starting at the 1-based `first`. */
  params(count: number, first = 1): string {
    return `(${Array.from({ length: count }, (_, i) => this.dialect.placeholder(first + i)).join(', ')})`;
  }

  /**
   * Runs `sql(inList)` for the values in batches (an IN list of thousands of parameters is
   * refused by some drivers) and concatenates the rows.
   */
  async queryIn<T extends Row>(
    values: readonly string[],
    sql: (inList: string) => string,
    batch = 500,
  ): Promise<T[]> {
    const rows: T[] = [];
    for (let i = 0; i < values.length; i += batch) {
      const chunk = values.slice(i, i + batch);
      rows.push(...(await this.client.query<T>(sql(this.params(chunk.length)), chunk)));
    }
    return rows;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** DATABASE_USER / DATABASE_PASSWORD, as the services read them. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseCredentials {
  return { user: env.DATABASE_USER || undefined, password: env.DATABASE_PASSWORD || undefined };
}
