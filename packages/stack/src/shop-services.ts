import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DetachedStart, startDetached, stopDetached } from './detached-process.js';
import type { StackPaths } from './paths.js';
import { isAlive, readPid } from './pid-file.js';

/**
 * The shop `npm start` runs next to the broker and the Connect worker: the gateway on
 * MSA_GATEWAY_PORT (8000), user-service, catalog-service and ORDER_INSTANCES order-service
 * instances on random ports, each registered with the gateway. Logs and pid files under
 * `.data/services/`.
 */
export function gatewayPort(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.MSA_GATEWAY_PORT ?? 8000);
}

export function gatewayUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${gatewayPort(env)}`;
}

export function shopFiles(paths: StackPaths) {
  const dir = join(paths.data, 'services');
  return {
    dir,
    jwtSecret: join(dir, 'jwt.secret'),
    registryToken: join(dir, 'registry.token'),
    pid: (name: string) => join(dir, `${name}.pid`),
    log: (name: string) => join(dir, `${name}.log`),
  };
}

/** DATABASE_URL, or the SQLite file under .data/ (an absolute path, so every process agrees). */
export function shopDatabaseUrl(paths: StackPaths, env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL || `jdbc:sqlite:${join(paths.data, 'msa.db')}`;
}

/** ORDER_INSTANCES (default 2). */
export function orderInstances(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ORDER_INSTANCES ?? '2';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 16)
    throw new Error(`ORDER_INSTANCES must be 1 to 16, not '${raw}'`);
  return n;
}

/** The MariaDB / PostgreSQL server on this machine a DATABASE_URL names, if any (so `up` can start it). */
export function localDatabaseServer(databaseUrl: string): 'mariadb' | 'postgresql' | undefined {
  const match = /^jdbc:(mariadb|mysql|postgresql):\/\/(127\.0\.0\.1|localhost)(?::(\d+))?\//i.exec(
    databaseUrl,
  );
  if (!match) return undefined;
  const postgres = match[1]?.toLowerCase() === 'postgresql';
  const port = Number(match[3] ?? (postgres ? 5432 : 3306));
  if (postgres) return port === 5432 ? 'postgresql' : undefined;
  return port === 3306 ? 'mariadb' : undefined;
}

/** JWT_SECRET, or one made on first start and kept in .data/services/jwt.secret (tokens survive restarts). */
export function shopJwtSecret(paths: StackPaths, env: NodeJS.ProcessEnv = process.env): string {
  return env.JWT_SECRET || keptSecret(shopFiles(paths).jwtSecret);
}

/** REGISTRY_TOKEN, or one kept in .data/services/registry.token: only our processes may register. */
export function shopRegistryToken(paths: StackPaths, env: NodeJS.ProcessEnv = process.env): string {
  return env.REGISTRY_TOKEN || keptSecret(shopFiles(paths).registryToken);
}

function keptSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export interface ShopSettings {
  bootstrap: string;
  databaseUrl: string;
  orderInstances: number;
}

export interface ShopProcess extends DetachedStart {
  name: string;
  /** The gateway's URL, or the instance's registered URL. */
  url: string | undefined;
}

type Registered = { instanceId: string; url: string; status: string };

/** The gateway's registry entry of an instance that is UP, if any. */
export async function registered(instanceId: string): Promise<Registered | undefined> {
  try {
    const response = await fetch(`${gatewayUrl()}/registry/instances`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return undefined;
    const list = (await response.json()) as Registered[];
    return list.find((i) => i.instanceId === instanceId && i.status === 'UP');
  } catch {
    return undefined;
  }
}

export async function gatewayAnswers(): Promise<boolean> {
  try {
    const response = await fetch(`${gatewayUrl()}/health`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { service?: string };
    return body.service === 'gateway';
  } catch {
    return false;
  }
}

function ownProcessAlive(pidFile: string): boolean {
  const pid = readPid(pidFile);
  return pid !== undefined && isAlive(pid);
}

export async function startShopServices(paths: StackPaths, settings: ShopSettings): Promise<ShopProcess[]> {
  const files = shopFiles(paths);
  mkdirSync(files.dir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BOOTSTRAP_SERVERS: settings.bootstrap,
    DATABASE_URL: settings.databaseUrl,
    GATEWAY_URL: gatewayUrl(),
    JWT_SECRET: shopJwtSecret(paths),
    REGISTRY_TOKEN: shopRegistryToken(paths),
  };
  const main = (workspace: string) => join(paths.root, 'services', workspace, 'dist', 'main.js');

  const gatewayPid = files.pid('gateway');
  const gateway = await startDetached({
    name: `the gateway on :${gatewayPort()}`,
    command: process.execPath,
    args: [main('gateway')],
    env: { ...env, PORT: String(gatewayPort()), INSTANCE_ID: 'gateway' },
    pidFile: gatewayPid,
    logFile: files.log('gateway'),
    ready: async () => ownProcessAlive(gatewayPid) && (await gatewayAnswers()),
    readyTimeoutMs: 30_000,
  });

  const instances: { name: string; workspace: string }[] = [
    { name: 'user-service', workspace: 'user-service' },
    { name: 'catalog-service', workspace: 'catalog-service' },
    ...Array.from({ length: settings.orderInstances }, (_, i) => ({
      name: `order-service-${i + 1}`,
      workspace: 'order-service',
    })),
  ];
  // Instances beyond ORDER_INSTANCES from an earlier start are stopped.
  await Promise.all(
    orderPidNames(files.dir)
      .filter((name) => Number(name.slice('order-service-'.length)) > settings.orderInstances)
      .map((name) => stopDetached(files.pid(name))),
  );
  const started = await Promise.all(
    instances.map(async ({ name, workspace }): Promise<ShopProcess> => {
      const pidFile = files.pid(name);
      const start = await startDetached({
        name,
        command: process.execPath,
        args: [main(workspace)],
        env: { ...env, PORT: '0', INSTANCE_ID: name },
        pidFile,
        logFile: files.log(name),
        ready: async () => ownProcessAlive(pidFile) && (await registered(name)) !== undefined,
        readyTimeoutMs: 60_000,
      });
      return { ...start, name, url: (await registered(name))?.url };
    }),
  );
  return [{ ...gateway, name: 'gateway', url: gatewayUrl() }, ...started];
}

/** The order-service instances started here, by their pid files. */
export function orderPidNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^order-service-\d+\.pid$/.test(f))
    .map((f) => f.slice(0, -'.pid'.length));
}

/** Stops the instances first (they deregister), the gateway last. */
export async function stopShopServices(
  paths: StackPaths,
): Promise<{ name: string; result: 'stopped' | 'killed' | 'not-running' }[]> {
  const files = shopFiles(paths);
  const instances = [...orderPidNames(files.dir), 'catalog-service', 'user-service'];
  const results = await Promise.all(
    instances.map(async (name) => ({ name, result: await stopDetached(files.pid(name)) })),
  );
  results.push({ name: 'gateway', result: await stopDetached(files.pid('gateway')) });
  return results;
}
