/**
 * A JDBC connection URL as Kafka Connect users write it, taken apart for the Node driver of
 * its database. `jdbc:mysql:` is served by the MariaDB driver, as MariaDB serves MySQL clients.
 */
export type DialectName = 'mariadb' | 'postgres' | 'sqlite';

export interface JdbcUrl {
  dialect: DialectName;
  /** The URL as given, for messages (never carries the password from connection.password). */
  url: string;
  host: string;
  port: number;
  /** Database (MariaDB/PostgreSQL) or file path (SQLite; ':memory:' for an in-memory one). */
  database: string;
  /** Query parameters (`?user=x&password=y&...`). */
  params: Map<string, string>;
}

export class JdbcUrlError extends Error {
  constructor(url: string, reason: string) {
    super(`Invalid connection.url '${redactUrl(url)}': ${reason}`);
    this.name = 'JdbcUrlError';
  }
}

const DEFAULT_PORTS: Record<Exclude<DialectName, 'sqlite'>, number> = { mariadb: 3306, postgres: 5432 };

export function parseJdbcUrl(url: string): JdbcUrl {
  const trimmed = url.trim();
  const sqlite = /^jdbc:sqlite:(.*)$/i.exec(trimmed);
  if (sqlite) {
    const [path = '', query] = (sqlite[1] ?? '').split('?');
    if (!path) throw new JdbcUrlError(url, 'no database file after jdbc:sqlite:');
    return { dialect: 'sqlite', url: trimmed, host: '', port: 0, database: path, params: parseParams(query) };
  }
  const match = /^jdbc:(mariadb|mysql|postgresql):\/\/([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/i.exec(trimmed);
  if (!match) {
    throw new JdbcUrlError(
      url,
      'expected jdbc:mariadb://host:port/db, jdbc:mysql://host:port/db, jdbc:postgresql://host:port/db or jdbc:sqlite:path',
    );
  }
  const dialect: DialectName = (match[1] ?? '').toLowerCase() === 'postgresql' ? 'postgres' : 'mariadb';
  const hostPort = match[2] ?? '';
  // Several hosts (failover lists) are accepted; the first is used.
  const first = hostPort.split(',')[0] ?? '';
  const hp = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(first);
  if (!hp?.[1]) throw new JdbcUrlError(url, `'${first}' is not host[:port]`);
  const port = hp[2] ? Number(hp[2]) : DEFAULT_PORTS[dialect];
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new JdbcUrlError(url, `bad port '${hp[2]}'`);
  const database = decodeURIComponent(match[3] ?? '');
  return {
    dialect,
    url: trimmed,
    host: hp[1].replace(/^\[|\]$/g, ''),
    port,
    database,
    params: parseParams(match[4]),
  };
}

function parseParams(query: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of (query ?? '').split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const key = decodeURIComponent(i < 0 ? part : part.slice(0, i));
    params.set(key, i < 0 ? '' : decodeURIComponent(part.slice(i + 1)));
  }
  return params;
}

/** The URL with any password parameter masked, for logs and error messages. */
export function redactUrl(url: string): string {
  return url
    .replace(/([?&](?:password|pwd)=)[^&]*/gi, '$1[hidden]')
    .replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:[hidden]@');
}
