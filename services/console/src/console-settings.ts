import { credentialsFromEnv, type DatabaseCredentials } from '@msa-sync/cli/verify';

export interface ConsoleSettings {
  host: string;
  port: number;
  connectUrl: string;
  bootstrap: string[];
  gatewayUrl: string;
  databaseUrl: string;
  databaseCredentials: DatabaseCredentials;
  ordersTable: string;
  /** Where the console's load runs write their acked files. */
  dataDir: string;
  logLevel: string;
}

function port(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new Error(`${name} must be a port number, not '${raw}'`);
  return n;
}

/**
 * MSA_CONSOLE_PORT (8080) and MSA_CONSOLE_HOST (127.0.0.1); MSA_CONNECT_URL (http://127.0.0.1:8083);
 * KAFKA_BOOTSTRAP_SERVERS (127.0.0.1:9092); the shop: MSA_GATEWAY_PORT (8000), DATABASE_URL
 * (jdbc:sqlite:.data/msa.db) with DATABASE_USER/PASSWORD, ORDERS_TABLE (orders).
 */
export function consoleSettings(env: NodeJS.ProcessEnv = process.env): ConsoleSettings {
  const connectUrl = env.MSA_CONNECT_URL || 'http://127.0.0.1:8083';
  if (!/^https?:\/\/[^/]+/.test(connectUrl))
    throw new Error(`MSA_CONNECT_URL must be an http(s) URL, not '${connectUrl}'`);
  return {
    host: env.MSA_CONSOLE_HOST || '127.0.0.1',
    port: port(env.MSA_CONSOLE_PORT, 'MSA_CONSOLE_PORT', 8080),
    connectUrl,
    bootstrap: (env.KAFKA_BOOTSTRAP_SERVERS || '127.0.0.1:9092')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    gatewayUrl: `http://127.0.0.1:${port(env.MSA_GATEWAY_PORT, 'MSA_GATEWAY_PORT', 8000)}`,
    databaseUrl: env.DATABASE_URL || 'jdbc:sqlite:.data/msa.db',
    databaseCredentials: credentialsFromEnv(env),
    ordersTable: env.ORDERS_TABLE || 'orders',
    dataDir: env.MSA_CONSOLE_DATA_DIR || '.data/console',
    logLevel: env.MSA_LOG_LEVEL || 'info',
  };
}
