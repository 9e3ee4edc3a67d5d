/** Where Kafka is: one rule for every package (CLI, worker, services, tests). */
export const DEFAULT_BOOTSTRAP_SERVERS = '127.0.0.1:9092';

export class InvalidBootstrapServersError extends Error {
  constructor(value: string, reason: string) {
    super(`Invalid bootstrap servers '${value}': ${reason}. Expected host:port[,host:port...]`);
    this.name = 'InvalidBootstrapServersError';
  }
}

/** Parses Kafka's `host:port,host:port` list (IPv6 in brackets: `[::1]:9092`). */
export function parseBootstrapServers(value: string): string[] {
  const servers = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (servers.length === 0) throw new InvalidBootstrapServersError(value, 'empty list');
  for (const server of servers) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(server);
    const port = match ? Number(match[2]) : Number.NaN;
    if (!match || port < 1 || port > 65535) {
      throw new InvalidBootstrapServersError(value, `'${server}' is not host:port`);
    }
  }
  return servers;
}

/** An explicit value wins, then `KAFKA_BOOTSTRAP_SERVERS`, then the broker `npm start` runs. */
export function resolveBootstrapServers(explicit?: string | null, env = process.env): string[] {
  const value = explicit ?? env.KAFKA_BOOTSTRAP_SERVERS ?? DEFAULT_BOOTSTRAP_SERVERS;
  return parseBootstrapServers(value);
}
