/** Driver errors that mean "the database is not there right now" (MariaDB, PostgreSQL, SQLite, sockets). */
const DATABASE_DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ER_GET_CONNECTION_TIMEOUT',
  'ER_SOCKET_UNEXPECTED_CLOSE',
  'ER_CONNECTION_ALREADY_CLOSED',
  'ER_CONNECTION_TIMEOUT',
  'SQLITE_BUSY',
  '57P01',
  '57P03',
  '08001',
  '08006',
]);

/** The database cannot answer right now (down, restarting, busy): a 503 for the services, not a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && DATABASE_DOWN.has(code);
}

/**
 * The error says the connection is gone (the server restarted, closed it or never answered), so a
 * new connection may well succeed where this one failed; whichever driver threw it. Used where a
 * caller reconnects on its own (the services' database clients).
 */
export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  // PostgreSQL: class 08 (connection exception) and 57P01-57P03 (the server shutting down or
  // restarting: "terminating connection due to administrator command").
  if (/^(08...|57P0[123])$/.test(code)) return true;
  // Socket errors carry no SQL state; the drivers' own "closed"/"not queryable" errors say it in text.
  const text = `${code} ${(error as Error)?.message ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|EPIPE|closed|terminated|not open|not queryable|socket/i.test(text);
}
