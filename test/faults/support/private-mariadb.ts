import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortOpen, waitFor } from '@msa-sync/stack';
import { freePort } from '../../support/connect-worker.js';

/**
 * A MariaDB server of a fault test's own: its own data directory, port and socket, so stopping
 * it never touches the machine's shared server on 3306. Root logs in over TCP without password.
 */
export class PrivateMariaDb {
  readonly host = '127.0.0.1';
  readonly #dir: string;
  readonly #child: { current: ChildProcess | undefined } = { current: undefined };
  #exited: Promise<void> = Promise.resolve();

  private constructor(
    dir: string,
    readonly port: number,
  ) {
    this.#dir = dir;
  }

  static async start(): Promise<PrivateMariaDb> {
    const dir = mkdtempSync(join(tmpdir(), 'msa-fault-mariadb-'));
    const data = join(dir, 'data');
    mkdirSync(data);
    const install = spawnSync(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${data}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--user=root',
      ],
      { encoding: 'utf8' },
    );
    if (install.status !== 0)
      throw new Error(`mariadb-install-db failed:\n${install.stdout}${install.stderr}`);
    const server = new PrivateMariaDb(dir, await freePort());
    await server.resume();
    return server;
  }

  /** `jdbc:mariadb://…/<database>` on this server, or on `port` (a proxy in front of it). */
  url(database: string, port = this.port): string {
    return `jdbc:mariadb://${this.host}:${port}/${database}`;
  }

  get running(): boolean {
    const c = this.#child.current;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /** Starts the server on its data directory and port (again, after stop). */
  async resume(): Promise<void> {
    if (this.running) return;
    const child = spawn(
      '/usr/sbin/mariadbd',
      [
        '--no-defaults',
        `--datadir=${join(this.#dir, 'data')}`,
        `--port=${this.port}`,
        `--socket=${join(this.#dir, 'mariadb.sock')}`,
        `--pid-file=${join(this.#dir, 'mariadb.pid')}`,
        `--log-error=${join(this.#dir, 'error.log')}`,
        '--bind-address=127.0.0.1',
        '--user=root',
        '--skip-log-bin',
        // Small, so a test server does not compete for the machine's memory.
        '--innodb-buffer-pool-size=64M',
        '--max-connections=500',
      ],
      { stdio: 'ignore' },
    );
    this.#child.current = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitFor(`private MariaDB on ${this.port}`, () => isPortOpen(this.host, this.port), {
      timeoutMs: 60_000,
      intervalMs: 100,
      failFast: () => (this.running ? undefined : `private MariaDB exited; see ${this.#dir}/error.log`),
    });
  }

  /** kill -9 (a crash: InnoDB recovers on the next start) or SIGTERM (a clean shutdown). */
  async stop(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.#child.current?.kill(signal);
    await this.#exited;
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
