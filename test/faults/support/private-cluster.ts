import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin } from '@msa-sync/kafka';
import {
  type ClusterSettings,
  clusterFiles,
  clusterSettings,
  isAlive,
  isNodeServing,
  kafkaJavaArgs,
  keeperStateFile,
  readKeeperState,
  type StackPaths,
  stackPaths,
  startCluster,
  stopCluster,
} from '@msa-sync/stack';
import { freePort } from '../../support/connect-worker.js';
import { uniqueName } from '../../support/run-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The 3-node KRaft cluster of `msa-sync up --brokers 3` (each node broker and controller, each
 * under its keeper, topics with 3 replicas and min.insync.replicas=2 by default), private to one
 * fault test: its own data directory and free ports, so the shared broker on 9092 is left alone.
 * A node's JVM killed with SIGKILL is started again by its keeper, as under `up`.
 */
export class PrivateCluster {
  readonly #paused = new Set<number>();

  private constructor(
    readonly paths: StackPaths,
    readonly settings: ClusterSettings,
    readonly bootstrap: string,
  ) {}

  /**
   * Starts the cluster on six free ports. A port found free may be taken before the JVM binds it
   * (other tests open client sockets all the time), so a failed start is tried again on new
   * ports, twice, with what failed logged.
   */
  static async start(log: (line: string) => void = () => {}): Promise<PrivateCluster> {
    for (let attempt = 1; ; attempt++) {
      const ports: number[] = [];
      // freePort binds port 0 and closes again, so two calls can return the same port.
      while (ports.length < 6) {
        const port = await freePort();
        if (!ports.includes(port)) ports.push(port);
      }
      const paths = { ...stackPaths(), data: mkdtempSync(join(tmpdir(), 'msa-fault-cluster-')) };
      const settings = clusterSettings({
        ports: ports.slice(0, 3),
        controllerPorts: ports.slice(3),
        heap: '256m',
      });
      try {
        const started = await startCluster(paths, settings, log);
        return new PrivateCluster(paths, settings, started.bootstrap);
      } catch (error) {
        await stopCluster(paths, settings).catch(() => {});
        if (attempt >= 3) throw error;
        process.stderr.write(
          `[private-cluster] start ${attempt} on ports ${ports.join(',')} failed, trying new ports: ${(error as Error).message}\n`,
        );
        if (!process.env.FAULT_KEEP_DATA) rmSync(paths.data, { recursive: true, force: true });
      }
    }
  }

  get nodeIds(): number[] {
    return this.settings.nodes.map((n) => n.nodeId);
  }

  /** The JVM of a node (its keeper's child). */
  jvmPid(nodeId: number): number {
    const state = readKeeperState(keeperStateFile(clusterFiles(this.paths).node(nodeId).pid));
    if (!state?.childPid || !isAlive(state.childPid)) throw new Error(`node ${nodeId} runs no JVM`);
    return state.childPid;
  }

  /** The leader of a partition, as a node that is not paused sees it (-1 while there is none). */
  async leaderOf(topic: string, partition = 0): Promise<number> {
    const client = createAdmin({
      bootstrapServers: this.settings.nodes
        .filter((n) => !this.#paused.has(n.nodeId))
        .map((n) => `${n.host}:${n.port}`),
      clientId: uniqueName('fault-cluster-probe'),
      requestTimeoutMs: 2000,
      connectTimeoutMs: 1000,
      retries: 2,
    });
    try {
      const metadata = await client.metadata({ topics: [topic], forceUpdate: true });
      return metadata.topics.get(topic)?.partitions[partition]?.leader ?? -1;
    } finally {
      await client.close().catch(() => {});
    }
  }

  /** The active controller (the KRaft quorum's leader), as Kafka's own metadata-quorum tool says. */
  controllerLeader(): number {
    const run = spawnSync(
      'java',
      kafkaJavaArgs(this.paths, 'org.apache.kafka.tools.MetadataQuorumCommand', [
        '--bootstrap-server',
        this.bootstrap,
        'describe',
        '--status',
      ]),
      { encoding: 'utf8', timeout: 60_000 },
    );
    const leader = /LeaderId:\s+(\d+)/.exec(run.stdout)?.[1];
    if (leader === undefined)
      throw new Error(`no LeaderId from the metadata quorum tool: ${run.stdout}${run.stderr}`);
    return Number(leader);
  }

  /** kill -9 of a node's JVM; its keeper starts it again. Resolves once it serves again. */
  async killNode(nodeId: number): Promise<void> {
    const pid = this.jvmPid(nodeId);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
    await this.waitServing(nodeId);
  }

  /** SIGSTOP of a node's JVM for `ms`, then SIGCONT: it keeps its sockets open and answers nothing. */
  async pauseNode(nodeId: number, ms: number): Promise<void> {
    const pid = this.jvmPid(nodeId);
    this.#paused.add(nodeId);
    process.kill(pid, 'SIGSTOP');
    try {
      await sleep(ms);
    } finally {
      process.kill(pid, 'SIGCONT');
      this.#paused.delete(nodeId);
    }
    await this.waitServing(nodeId);
  }

  async waitServing(nodeId: number, timeoutMs = 120_000): Promise<void> {
    const node = this.settings.nodes.find((n) => n.nodeId === nodeId);
    if (!node) throw new Error(`no node ${nodeId}`);
    const deadline = Date.now() + timeoutMs;
    while (!(await isNodeServing(node))) {
      if (Date.now() > deadline) throw new Error(`node ${nodeId} does not serve ${timeoutMs} ms later`);
      await sleep(250);
    }
  }

  async destroy(): Promise<void> {
    for (const nodeId of this.#paused) {
      try {
        process.kill(this.jvmPid(nodeId), 'SIGCONT');
      } catch {
        // Gone already.
      }
    }
    await stopCluster(this.paths, this.settings).catch(() => {});
    if (!process.env.FAULT_KEEP_DATA) rmSync(this.paths.data, { recursive: true, force: true });
  }
}
