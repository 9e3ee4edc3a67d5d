import { type Admin, type ClientSettings, type KafkaClients, kafkaClients } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { ConnectorPlugin } from '../api/connector.js';
import { configErrorsMessage } from '../config/connector-config.js';
import { ConfigTransformer, createConfigProviders } from '../config-providers/index.js';
import type {
  ConfigInfos,
  ConfigKeyInfo,
  ConnectorConfig,
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorStateInfo,
  PluginInfo,
  RestartRequest,
  TargetState,
  TaskInfo,
  TaskStateInfo,
} from '../entities.js';
import {
  alreadyExists,
  badRequest,
  ConnectError,
  connectorNotFound,
  NotLeaderError,
  notFound,
} from '../errors/connect-error.js';
import {
  type ConfigBackingStore,
  type ConfigStoreListener,
  KafkaConfigBackingStore,
} from '../storage/config-store.js';
import type { WorkerOffsetStore } from '../storage/connector-offset-store.js';
import { ensureInternalTopics } from '../storage/internal-topics.js';
import { KafkaOffsetBackingStore } from '../storage/offset-store.js';
import type { StatusBackingStore } from '../storage/status-backing-store.js';
import { KafkaStatusBackingStore } from '../storage/status-store.js';
import { openAdmin } from '../worker/connector-offsets.js';
import { claimTransactionalId } from '../worker/exactly-once-source.js';
import type { PluginRegistry } from '../worker/plugins.js';
import { type TaskThreadSettings, Worker } from '../worker/worker.js';
import type { WorkerConfig } from '../worker/worker-config.js';
import { WorkerMetrics } from '../worker/worker-metrics.js';
import type { FencingGate } from '../worker/worker-source-task.js';
import { applyAssignment } from './apply-assignment.js';
import {
  assignCooperative,
  assignWork,
  type MemberInfo,
  type WorkerAssignment,
  type WorkSet,
} from './assignor.js';
import { lookupConnectorConfig } from './config-lookup.js';
import { awaitFencingRound, runFencingRound } from './fencing-round.js';
import type { Herder } from './herder.js';
import {
  configToStore,
  initialTargetState,
  listPlugins,
  maskedConfig,
  notStoppedMessage,
  restartingStatus,
  validateWithPlugins,
} from './herder-support.js';
import { pluginConfigKeys } from './plugin-config.js';
import { RequestQueue } from './request-queue.js';
import { connectorStateInfo, restartChangedTasks, restartOnWorker } from './worker-actions.js';
import { WorkerGroupMember, type WorkerGroupMemberOptions } from './worker-group-member.js';

export interface DistributedHerderOptions {
  config: WorkerConfig;
  plugins: PluginRegistry;
  logger: Logger;
  /** Builds every Kafka client of the worker (stores, tasks, offsets admin); default the real ones. */
  clients?: KafkaClients;
  /** The config, offset and status stores; default the ones kept in the worker's Kafka topics. */
  stores?: DistributedHerderStores;
  /** Builds this worker's group membership; default Kafka's group protocol (WorkerGroupMember). */
  groupMember?: (options: WorkerGroupMemberOptions) => GroupMembership;
  /** The task thread module (see WorkerDeps.taskThreads); unset, tasks run on the worker's thread. */
  taskThreads?: TaskThreadSettings;
}

export interface DistributedHerderStores {
  configs: ConfigBackingStore & { setListener(listener: ConfigStoreListener): void };
  offsets: WorkerOffsetStore;
  statuses: StatusBackingStore;
}

/** What the herder needs of its membership in the worker group. */
export type GroupMembership = Pick<WorkerGroupMember, 'start' | 'stop' | 'requestRejoin' | 'isLeader'>;

/**
 * A Connect worker in distributed mode: configs, offsets and statuses live in Kafka topics;
 * the workers sharing a group.id elect a leader through Kafka's group coordinator, and the leader
 * spreads connectors and tasks over them. Operator writes go through the leader, as in Connect.
 */
export class DistributedHerder implements Herder {
  readonly workerId: string;
  readonly url: string;
  readonly metrics = new WorkerMetrics();
  readonly #config: WorkerConfig;
  readonly #plugins: PluginRegistry;
  readonly #log: Logger;
  readonly #client: ClientSettings;
  readonly #clients: KafkaClients;
  readonly #configs: DistributedHerderStores['configs'];
  readonly #offsets: WorkerOffsetStore;
  readonly #statuses: StatusBackingStore;
  readonly #worker: Worker;
  readonly #member: GroupMembership;
  readonly #queue: RequestQueue;
  /** Resolves `${provider:path:key}` references: for validation here, at start in the worker. */
  readonly #transformer: ConfigTransformer;
  #clusterId = '';
  #assignment: WorkerAssignment | undefined;
  #generation = -1;
  /** What the leader based its last assignment on: a change means a new rebalance. */
  #assignedShape = '';
  #firstAssignment: { promise: Promise<void>; resolve: () => void };
  /** Settles when group membership failed for good (another rebalance protocol in the group). */
  #fatal: Promise<never>;
  #failFatally: (error: Error) => void = () => {};
  /** Each exactly-once source connector's fencing round under way (leader only). */
  readonly #fencing = new Map<string, Promise<void>>();
  #stopping = false;

  constructor(options: DistributedHerderOptions) {
    const { config } = options;
    this.#config = config;
    this.#plugins = options.plugins;
    this.#log = options.logger.child({ component: 'herder' });
    this.workerId = `${config.advertisedHost}:${config.advertisedPort}`;
    this.url = `http://${this.workerId}`;
    this.#client = { bootstrapServers: config.bootstrapServers, clientId: `connect-${this.workerId}` };
    this.#clients = options.clients ?? kafkaClients;
    const stores = options.stores ?? {
      configs: new KafkaConfigBackingStore({
        topic: config.configTopic,
        client: this.#client,
        clients: this.#clients,
        logger: this.#log,
      }),
      offsets: new KafkaOffsetBackingStore({
        topic: config.offsetTopic,
        client: this.#client,
        clients: this.#clients,
        logger: this.#log,
      }),
      statuses: new KafkaStatusBackingStore({
        topic: config.statusTopic,
        client: this.#client,
        clients: this.#clients,
        logger: this.#log,
      }),
    };
    this.#configs = stores.configs;
    this.#offsets = stores.offsets;
    this.#statuses = stores.statuses;
    this.#queue = new RequestQueue((error) => this.#log.error({ err: error }, 'herder request failed'));
    this.#transformer = new ConfigTransformer(createConfigProviders(config.configProviders));
    this.#worker = new Worker({
      transformer: this.#transformer,
      workerId: this.workerId,
      config,
      client: this.#client,
      clients: this.#clients,
      plugins: this.#plugins,
      configs: this.#configs,
      offsets: this.#offsets,
      statuses: this.#statuses,
      metrics: this.metrics,
      logger: options.logger,
      ...(options.taskThreads ? { taskThreads: options.taskThreads } : {}),
      generation: () => this.#generation,
      ...(config.exactlyOnceSource ? { fencingGate: (name: string) => this.#fencingGate(name) } : {}),
    });
    const memberOptions: WorkerGroupMemberOptions = {
      groupId: config.groupId,
      bootstrapServers: config.bootstrapServers,
      clientId: `connect-${this.workerId}-group`,
      workerId: this.workerId,
      url: this.url,
      sessionTimeoutMs: config.sessionTimeoutMs,
      rebalanceTimeoutMs: config.rebalanceTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      logger: options.logger,
      protocol: config.rebalanceProtocol,
      owned: () => this.#owned(),
      assign: (members, generation, leader) => this.#assign(members, generation, leader),
      onRevoke: () => this.#queue.run(() => this.#revokeAll()),
      onAssignment: (assignment) => this.#queue.run(() => this.#applyAssignment(assignment)),
      onFatal: (error) => this.#failFatally(error),
    };
    this.#member = (options.groupMember ?? ((o) => new WorkerGroupMember(o)))(memberOptions);
    let resolve = () => {};
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    this.#firstAssignment = { promise, resolve };
    this.#fatal = new Promise<never>((_, reject) => {
      this.#failFatally = reject;
    });
    this.#fatal.catch(() => {});
  }

  async start(): Promise<void> {
    const c = this.#config;
    await ensureInternalTopics(
      this.#client,
      [
        { name: c.configTopic, partitions: 1, replicationFactor: c.configReplicationFactor },
        { name: c.offsetTopic, partitions: c.offsetPartitions, replicationFactor: c.offsetReplicationFactor },
        { name: c.statusTopic, partitions: c.statusPartitions, replicationFactor: c.statusReplicationFactor },
      ],
      this.#log,
      this.#clients,
    );
    const admin = this.#admin();
    try {
      this.#clusterId = (await admin.metadata({ topics: [] })).id;
    } finally {
      await admin.close().catch(() => {});
    }
    await Promise.all([this.#configs.start(), this.#offsets.start(), this.#statuses.start()]);
    this.#configs.setListener({
      onConnectorChange: (name) => {
        // Not through the queue: a task start waiting for this round may hold it.
        this.#fenceIfPending(name);
        void this.#queue.run(() => this.#onConnectorChange(name));
      },
      onRestartRequest: (request) => void this.#queue.run(() => this.#onRestart(request)),
    });
    this.#member.start();
    await Promise.race([
      this.#firstAssignment.promise,
      this.#fatal,
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error('Timed out joining the worker group')),
          c.rebalanceTimeoutMs + 30_000,
        ).unref(),
      ),
    ]);
    this.#log.info({ workerId: this.workerId, group: c.groupId }, 'worker joined the cluster');
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    // As Connect's herder halts: tasks stop (a source writes its offsets, a sink commits) while
    // this worker still holds them, then it leaves the group. Leaving first hands the tasks to
    // other workers, which start them from offsets not yet written, and send or write again.
    await this.#queue.run(() => this.#revokeAll());
    await this.#member.stop();
    // Anything a rebalance started meanwhile.
    await this.#queue.run(() => this.#revokeAll());
    await this.#worker.close();
    await Promise.all([this.#configs.stop(), this.#offsets.stop(), this.#statuses.stop()]);
  }

  kafkaClusterId(): string {
    return this.#clusterId;
  }

  // ---- group membership --------------------------------------------------------------------

  async #assign(
    members: MemberInfo[],
    generation: number,
    leader: MemberInfo,
  ): Promise<Map<string, WorkerAssignment>> {
    await this.#configs.refresh();
    const state = this.#configs.state;
    const connectors = state.connectors();
    const counts = new Map(connectors.map((name) => [name, state.taskCount(name)]));
    this.#assignedShape = shapeOf(connectors, counts);
    const base = {
      generation,
      leader: leader.memberId,
      leaderUrl: leader.url,
      configOffset: String(state.offset),
    };
    if (this.#config.rebalanceProtocol === 'eager') {
      const work = assignWork(members, connectors, counts);
      return new Map([...work].map(([memberId, w]) => [memberId, { ...base, ...w }]));
    }
    const work = assignCooperative(members, connectors, counts);
    return new Map(
      [...work].map(([memberId, w]) => [
        memberId,
        {
          ...base,
          connectors: w.connectors,
          tasks: w.tasks,
          ...(w.revoked.connectors.length + w.revoked.tasks.length > 0 ? { revoked: w.revoked } : {}),
        },
      ]),
    );
  }

  /**
   * What this worker is entitled to run, reported when it joins (cooperative protocol). The
   * assignment, not the worker's running set: a task restarting at that moment (stopped, not yet
   * started again) must not look free to the leader.
   */
  #owned(): WorkSet {
    return { connectors: this.#assignment?.connectors ?? [], tasks: this.#assignment?.tasks ?? [] };
  }

  async #revokeAll(): Promise<void> {
    // Eager rebalancing, or membership lost: nothing keeps running while ownership may move to
    // another worker, and nothing is reported as owned at the next join.
    await this.#worker.stopAll();
    if (this.#assignment) this.#assignment = { ...this.#assignment, connectors: [], tasks: [] };
  }

  /**
   * Applies an assignment as a difference from what runs here: stops what is no longer ours
   * (revoked, deleted, or all of it after a revoke-all), starts what is new, and leaves the rest
   * running unless its config changed. Revoked work is stopped before this worker rejoins, so
   * its next owner starts it only after it stopped here.
   */
  async #applyAssignment(assignment: WorkerAssignment): Promise<void> {
    this.#generation = assignment.generation;
    await this.#configs.refresh();
    await applyAssignment(
      this.#worker,
      { connectors: assignment.connectors ?? [], tasks: assignment.tasks ?? [] },
      this.#configs.state,
      this.#log,
    );
    this.#assignment = assignment;
    this.#firstAssignment.resolve();
    const revoked = assignment.revoked;
    if (revoked && revoked.connectors.length + revoked.tasks.length > 0) {
      // Stopped above: rejoin now so that the next round hands the revoked work to its new owner.
      this.#log.info({ revoked }, 'work revoked for rebalancing: rejoining');
      this.#member.requestRejoin();
    } else if (this.#member.isLeader) {
      // Configs may have changed while the rebalance ran.
      this.#rebalanceIfShapeChanged();
    }
    // A new leader finishes the rounds its predecessor did not (or this one missed).
    for (const name of this.#configs.state.connectors()) this.#fenceIfPending(name);
  }

  // ---- exactly-once sources: zombie fencing ---------------------------------------------------

  /**
   * On the leader, runs the fencing round of an exactly-once source connector whose latest task
   * set awaits one (fencing-round.ts), one round per connector at a time, retried every second
   * while this worker leads and the round is still due.
   */
  #fenceIfPending(name: string): void {
    if (!this.#config.exactlyOnceSource || !this.#member.isLeader || this.#stopping) return;
    const state = this.#configs.state;
    const config = state.connectorConfigs.get(name);
    if (!config || !state.pendingFencing(name) || this.#pluginOf(config)?.type !== 'source') return;
    const round = (this.#fencing.get(name) ?? Promise.resolve()).then(() => this.#fencingRound(name));
    this.#fencing.set(name, round);
    void round.finally(() => {
      if (this.#fencing.get(name) === round) this.#fencing.delete(name);
    });
  }

  async #fencingRound(name: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (!this.#member.isLeader || this.#stopping || !this.#configs.state.pendingFencing(name)) return;
      try {
        const result = await runFencingRound(
          {
            state: this.#configs.state,
            refresh: () => this.#configs.refresh(),
            fence: (tasks) => this.#fenceTasks(name, tasks),
            putTaskCountRecord: (count) => this.#configs.putTaskCountRecord(name, count),
          },
          name,
        );
        if (result !== 'not-pending') {
          this.#log.info(
            { connector: name, result, taskCount: this.#configs.state.taskCount(name) },
            'zombie fencing round done',
          );
        }
        return;
      } catch (error) {
        this.#log.warn({ err: error, connector: name, attempt }, 'zombie fencing round failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, FENCING_RETRY_MS));
      }
    }
  }

  /** Fences the tasks' transactional ids, as Apache's Admin.fenceProducers: one producer each. */
  async #fenceTasks(name: string, tasks: number[]): Promise<void> {
    await Promise.all(
      tasks.map(async (task) => {
        const transactionalId = `${this.#config.groupId}-${name}-${task}`;
        const producer = this.#clients.createRawProducer({
          ...this.#client,
          clientId: `${this.#client.clientId}-fencing`,
          transactionalId,
        });
        try {
          await claimTransactionalId(producer, { log: this.#log, now: Date.now });
        } finally {
          await producer.close().catch(() => {});
        }
      }),
    );
    this.#log.info({ connector: name, tasks: tasks.length }, 'fenced the previous task generation');
  }

  /** The checks an exactly-once source task of this worker passes around its producer's start. */
  #fencingGate(name: string): FencingGate {
    const state = this.#configs.state;
    return {
      pending: () => state.pendingFencing(name),
      ready: async (signal) => {
        this.#fenceIfPending(name);
        await awaitFencingRound(state, name, { signal, timeoutMs: this.#config.rebalanceTimeoutMs });
        return state.taskConfigGeneration(name);
      },
      current: async (generation) => {
        await this.#configs.refresh();
        return state.taskConfigGeneration(name) === generation;
      },
    };
  }

  #rebalanceIfShapeChanged(): void {
    const state = this.#configs.state;
    const connectors = state.connectors();
    const shape = shapeOf(connectors, new Map(connectors.map((n) => [n, state.taskCount(n)])));
    if (shape !== this.#assignedShape) {
      this.#log.info('connectors or task sets changed: rebalancing');
      this.#member.requestRejoin();
    }
  }

  async #onConnectorChange(name: string): Promise<void> {
    if (this.#member.isLeader) this.#rebalanceIfShapeChanged();
    const state = this.#configs.state;
    const config = state.connectorConfigs.get(name);
    const target = state.targetStates.get(name) ?? 'STARTED';
    if (!config) {
      await this.#worker.stopConnector(name);
      return;
    }
    const running = this.#worker.connectorConfig(name);
    if (running && JSON.stringify(running) !== JSON.stringify(config)) {
      // A new config: restart the connector, which republishes task configs if they changed.
      await this.#worker.stopConnector(name);
      await this.#worker.startConnector(name, config, target);
    }
    const taskConfigs = state.taskConfigs.get(name) ?? [];
    const taskConnectorConfig = state.taskConnectorConfig(name) ?? config;
    await restartChangedTasks(this.#worker, name, taskConfigs, taskConnectorConfig, target, this.#log);
    await this.#worker.setTargetState(name, target);
  }

  async #onRestart(request: RestartRequest): Promise<void> {
    await restartOnWorker(this.#worker, this.#configs.state, request, this.#log);
  }

  // ---- operator requests --------------------------------------------------------------------

  #requireLeader(what: string): void {
    if (!this.#member.isLeader) {
      throw new NotLeaderError(`Cannot ${what}: this worker is not the leader`, this.#assignment?.leaderUrl);
    }
  }

  /** Operator calls wait until this worker has joined its cluster (bounded by the REST timeout). */
  async #ready(): Promise<void> {
    // A worker that can never join answers at once (and lets its REST server close).
    await Promise.race([this.#firstAssignment.promise, this.#fatal]);
  }

  /**
   * The connector's config for a read, from this worker's in-memory view of the config topic (as
   * Apache's herder answers reads); a 404 with `message` (Connect's text differs by route) when
   * unknown even after reading the topic to its end.
   */
  #requireConnector(name: string, message?: string): Promise<Record<string, string>> {
    return this.#findConnector(name, message, false);
  }

  /** The connector's config for a write: the config topic is read to its end first. */
  #requireConnectorForWrite(name: string, message?: string): Promise<Record<string, string>> {
    return this.#findConnector(name, message, true);
  }

  async #findConnector(
    name: string,
    message: string | undefined,
    fresh: boolean,
  ): Promise<Record<string, string>> {
    await this.#ready();
    const config = await lookupConnectorConfig(
      this.#configs.state.connectorConfigs,
      name,
      () => this.#configs.refresh(),
      fresh,
    );
    if (!config) throw message === undefined ? connectorNotFound(name) : notFound(message);
    return config;
  }

  #pluginOf(config: Record<string, string>): ConnectorPlugin | undefined {
    return this.#plugins.find(config['connector.class']);
  }

  async connectors(): Promise<string[]> {
    await this.#ready();
    return this.#configs.state.connectors();
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const config = await this.#requireConnector(name);
    const tasks = this.#configs.state.taskConfigs.get(name) ?? [];
    return {
      name,
      config: this.#masked(config),
      tasks: tasks.map((_, task) => ({ connector: name, task })),
      type: this.#pluginOf(config)?.type ?? 'unknown',
    };
  }

  async connectorConfig(name: string): Promise<ConnectorConfig> {
    return this.#masked(await this.#requireConnector(name));
  }

  /**
   * What REST shows of a stored config: secrets as `[hidden]`, references as written. Apache returns
   * stored configs as given; see docs/connect/differences.md.
   */
  #masked(config: Record<string, string>, connectorConfig = config): Record<string, string> {
    return maskedConfig(config, this.#pluginOf(connectorConfig));
  }

  async putConnectorConfig(
    name: string,
    config: ConnectorConfig,
    allowReplace: boolean,
    initialState?: 'RUNNING' | 'PAUSED' | 'STOPPED',
  ): Promise<{ created: boolean; info: ConnectorInfo }> {
    await this.#ready();
    await this.#configs.refresh();
    const exists = this.#configs.state.connectorConfigs.has(name);
    if (exists && !allowReplace) throw alreadyExists(`Connector ${name} already exists`);
    const full = configToStore(
      name,
      config,
      this.#configs.state.connectorConfigs.get(name),
      this.#pluginOf(config),
    );
    const infos = await this.validateConnectorConfig(full['connector.class'], full);
    if (infos.error_count > 0) throw badRequest(configErrorsMessage(infos));
    this.#requireLeader('write connector configs');
    const initial: TargetState | undefined = exists ? undefined : initialTargetState(initialState);
    await this.#configs.putConnectorConfig(name, full, initial);
    await this.#configs.refresh();
    return { created: !exists, info: await this.connectorInfo(name) };
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const current = await this.#requireConnectorForWrite(name);
    const next: Record<string, string> = { ...current };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    return (await this.putConnectorConfig(name, next, true)).info;
  }

  async deleteConnector(name: string): Promise<void> {
    await this.#requireConnectorForWrite(name);
    this.#requireLeader('delete connectors');
    const taskCount = this.#configs.state.taskCount(name);
    await this.#configs.removeConnectorConfig(name);
    await this.#configs.refresh();
    await this.#statuses.remove(name, taskCount);
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const config = await this.#requireConnector(name, `No status found for connector ${name}`);
    // Statuses as this worker has read them so far: eventually consistent, as in Connect.
    return connectorStateInfo(
      name,
      this.#pluginOf(config)?.type ?? 'unknown',
      this.#statuses.connector(name),
      this.#statuses.tasks(name),
      this.#configs.state.taskCount(name),
      this.workerId,
    );
  }

  async taskStatus(name: string, task: number): Promise<TaskStateInfo> {
    await this.#requireConnector(name, `No status found for task ${name}-${task}`);
    const status = await this.connectorStatus(name);
    const found = status.tasks.find((t) => t.id === task);
    if (!found) throw notFound(`No status found for task ${name}-${task}`);
    return found;
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const connectorConfig = await this.#requireConnector(name);
    return (this.#configs.state.taskConfigs.get(name) ?? []).map((config, task) => ({
      id: { connector: name, task },
      config: this.#masked(config, connectorConfig),
    }));
  }

  async restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | undefined> {
    await this.#requireConnectorForWrite(request.connector, `Unknown connector: ${request.connector}`);
    this.#requireLeader('restart connectors');
    const before = await this.connectorStatus(request.connector);
    await this.#configs.putRestartRequest(request);
    return restartingStatus(before, request);
  }

  async restartTask(name: string, task: number): Promise<void> {
    const config = await this.#requireConnectorForWrite(name, `Unknown connector: ${name}`);
    const taskConfig = this.#configs.state.taskConfigs.get(name)?.[task];
    if (!taskConfig) throw notFound(`Unknown task: ${name}-${task}`);
    if (this.#assignment?.tasks.some((t) => t.connector === name && t.task === task)) {
      await this.#queue.run(async () => {
        await this.#worker.stopTask(name, task);
        await this.#worker.startTask(
          name,
          task,
          taskConfig,
          this.#configs.state.taskConnectorConfig(name) ?? config,
          this.#configs.state.targetStates.get(name) ?? 'STARTED',
        );
      });
      return;
    }
    // Another worker runs it: the REST layer forwards the request there.
    await this.#statuses.refresh();
    const owner = this.#statuses.tasks(name).get(task)?.worker_id;
    throw new NotLeaderError(
      `Task ${name}-${task} runs on ${owner ?? 'no worker'}`,
      owner ? `http://${owner}` : undefined,
    );
  }

  async pauseConnector(name: string): Promise<void> {
    await this.#requireConnectorForWrite(name, `Unknown connector ${name}`);
    await this.#configs.putTargetState(name, 'PAUSED');
  }

  async resumeConnector(name: string): Promise<void> {
    await this.#requireConnectorForWrite(name, `Unknown connector ${name}`);
    await this.#configs.putTargetState(name, 'STARTED');
  }

  async stopConnector(name: string): Promise<void> {
    await this.#requireConnectorForWrite(name, `Unknown connector ${name}`);
    this.#requireLeader('stop connectors');
    await this.#configs.putTargetState(name, 'STOPPED');
  }

  async connectorActiveTopics(name: string): Promise<string[]> {
    await this.#requireConnector(name);
    return this.#statuses.activeTopics(name);
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    await this.#requireConnectorForWrite(name);
    await this.#statuses.resetTopics(name);
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const config = await this.#requireConnector(name);
    return this.#worker.connectorOffsets(name, config);
  }

  /** A short-lived admin client whose stray 'error' events are logged, never left unheard. */
  #admin(): Admin {
    return openAdmin(this.#client, this.#log, this.#clients);
  }

  async #requireStopped(name: string): Promise<Record<string, string>> {
    const config = await this.#requireConnectorForWrite(name);
    if (this.#configs.state.targetStates.get(name) !== 'STOPPED') throw badRequest(notStoppedMessage(name));
    return config;
  }

  async alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<string> {
    const config = await this.#requireStopped(name);
    return this.#worker.alterConnectorOffsets(name, config, offsets);
  }

  async resetConnectorOffsets(name: string): Promise<string> {
    const config = await this.#requireStopped(name);
    return this.#worker.resetConnectorOffsets(name, config);
  }

  plugins(connectorsOnly: boolean): PluginInfo[] {
    return listPlugins(this.#plugins, connectorsOnly);
  }

  pluginConfig(pluginName: string): ConfigKeyInfo[] {
    return pluginConfigKeys(this.#plugins, pluginName);
  }

  validateConnectorConfig(pluginClass: string | undefined, config: ConnectorConfig): Promise<ConfigInfos> {
    return validateWithPlugins(this.#plugins, this.#transformer, pluginClass, config, {
      clientOverridePolicy: this.#config.clientOverridePolicy,
      topicCreationEnable: this.#config.topicCreationEnable,
      keyConverter: this.#config.keyConverter,
      valueConverter: this.#config.valueConverter,
      exactlyOnceSource: this.#config.exactlyOnceSource,
      connectorOffsetsTopics: true,
    });
  }
}

const FENCING_RETRY_MS = 1000;

function shapeOf(connectors: string[], counts: Map<string, number>): string {
  return connectors.map((n) => `${n}:${counts.get(n) ?? 0}`).join(',');
}

export { ConnectError };
