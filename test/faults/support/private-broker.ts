import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  brokerFiles,
  isAlive,
  keeperStateFile,
  readKeeperState,
  readPid,
  type StackPaths,
  stackPaths,
  startBroker,
  stopBroker,
} from '@msa-sync/stack';
import { freePort } from '../../support/connect-worker.js';

/**
 * A single-node Kafka broker of a fault test's own (stack's startBroker with its own data
 * directory and free ports), so a test can stop and start it while the shared broker on 9092,
 * which every other test uses, keeps running.
 */
export class PrivateBroker {
  private constructor(
    readonly paths: StackPaths,
    readonly port: number,
    readonly controllerPort: number,
  ) {}

  static async start(): Promise<PrivateBroker> {
    const paths = { ...stackPaths(), data: mkdtempSync(join(tmpdir(), 'msa-fault-kafka-')) };
    const broker = new PrivateBroker(paths, await freePort(), await freePort());
    await broker.resume();
    return broker;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the broker again on the same data directory: topics and offsets survive. */
  async resume(): Promise<void> {
    await startBroker(this.paths, {
      host: '127.0.0.1',
      port: this.port,
      controllerPort: this.controllerPort,
      heap: '384m',
    });
  }

  /**
   * SIGTERM with a grace period (controlled shutdown), or kill -9 of the broker and of its keeper
   * (which would otherwise start it again at once): down until `resume`.
   */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (signal === 'SIGTERM') {
      await stopBroker(this.paths);
      return;
    }
    const pidFile = brokerFiles(this.paths).pid;
    const keeper = readPid(pidFile);
    const broker = readKeeperState(keeperStateFile(pidFile))?.childPid ?? undefined;
    for (const pid of [keeper, broker]) {
      if (pid === undefined || !isAlive(pid)) continue;
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
    }
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    if (!process.env.FAULT_KEEP_DATA) rmSync(this.paths.data, { recursive: true, force: true });
  }
}
