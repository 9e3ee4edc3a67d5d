import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { isPortOpen, waitFor } from './tcp-probe.js';

/**
 * The shared databases msa-sync can write to. On this kind of machine they are Debian's packages,
 * started outside systemd; when one is down we start it the same way the machine does at boot.
 */
export interface DatabaseService {
  name: 'mariadb' | 'postgresql';
  host: string;
  port: number;
  /** argv that starts the server, or undefined when this machine has no such server installed. */
  startCommand: () => string[] | undefined;
}

export const mariadb: DatabaseService = {
  name: 'mariadb',
  host: '127.0.0.1',
  port: 3306,
  startCommand: () =>
    existsSync('/usr/sbin/mariadbd')
      ? ['start-stop-daemon', '--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd']
      : undefined,
};

export const postgresql: DatabaseService = {
  name: 'postgresql',
  host: '127.0.0.1',
  port: 5432,
  startCommand: () => {
    if (!existsSync('/etc/postgresql')) return undefined;
    const version = readdirSync('/etc/postgresql').sort().at(-1);
    return version ? ['pg_ctlcluster', '--skip-systemctl-redirect', version, 'main', 'start'] : undefined;
  },
};

export type DatabaseState = 'running' | 'started';

export async function ensureDatabase(
  db: DatabaseService,
  log: (line: string) => void = () => {},
): Promise<DatabaseState> {
  if (await isPortOpen(db.host, db.port)) return 'running';
  const argv = db.startCommand();
  if (!argv) {
    throw new Error(
      `${db.name} is not listening on ${db.host}:${db.port} and is not installed here to be started.`,
    );
  }
  log(`${db.name} is down; starting it: ${argv.join(' ')}`);
  const [cmd, ...args] = argv as [string, ...string[]];
  const run = spawnSync(cmd, args, { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(
      `Starting ${db.name} failed (exit ${run.status}): ${run.stderr || run.stdout || run.error}`,
    );
  }
  await waitFor(`${db.name} on ${db.host}:${db.port}`, () => isPortOpen(db.host, db.port), {
    timeoutMs: 60_000,
  });
  return 'started';
}
