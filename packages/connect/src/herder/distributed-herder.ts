import { type Admin, type ClientSettings, createAdmin, hasProtocolError } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { ConnectorPlugin } from '../api/connector.js';
import { KAFKA_VERSION } from '../api/kafka-version.js';
import { HIDDEN } from '../config/config-types.js';
import { configErrorsMessage, validateConnectorConfig } from '../config/connector-config.js';
import { maskSecrets, restoreHiddenSecrets, secretKeys } from '../config/secret-values.js';
import { ConfigTransformer, createConfigProviders, hasReference } from '../config-providers/index.js';
import { converterRegistry } from '../converters/converter-registry.js';
import {
  alreadyExists,
  badRequest,
  ConnectError,
  connectorNotFound,
  NotLeaderError,
  notFound,
} from '../errors/connect-error.js';
import { rememberSecret, scrubKnownSecrets } from '../logging/known-secrets.js';
import { KafkaConfigBackingStore } from '../storage/config-store.js';
import { ensureInternalTopics } from '../storage/internal-topics.js';
import { KafkaOffsetBackingStore } from '../storage/offset-store.js';
import { KafkaStatusBackingStore, type Status } from '../storage/status-store.js';
import { predicatePluginList, transformationPlugins } from '../transforms/transformation-plugins.js';
import type { PluginRegistry } from '../worker/plugins.js';
import { Worker } from '../worker/worker.js';
import type { WorkerConfig } from '../worker/worker-config.js';
import { WorkerMetrics } from '../worker/worker-metrics.js';
import { assignWork, type MemberInfo, type WorkerAssignment } from './assignor.js';
import type { Herder } from './herder.js';
import { pluginConfigKeys } from './plugin-config.js';
import { RequestQueue } from './request-queue.js';
import { parseSinkConnectorOffsets } from './sink-connector-offsets.js';
import type {
  ConfigInfos,
  ConfigKeyInfo,
  ConnectorConfig,
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorStateInfo,
  PluginInfo,
  RestartRequest,
  StateInfo,
  TargetState,
  TaskInfo,
  TaskStateInfo,
} from './types.js';
import { WorkerGroupMember } from './worker-group-member.js';

export interface DistributedHerderOptions {
  config: WorkerConfig;
  plugins: PluginRegistry;
  logger: Logger;
}

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
  readonly #configs: KafkaConfigBackingStore;
  readonly #offsets: KafkaOffsetBackingStore;
  readonly #statuses: KafkaStatusBackingStore;
  readonly #worker: Worker;
  readonly #member: WorkerGroupMember;
  readonly #queue: RequestQueue;
  /** Resolves `${provider:path:key}` references: for validation here, at start in the worker. */
  readonly #transformer: ConfigTransformer;
  #clusterId = '';
  #assignment: WorkerAssignment | undefined;
  #generation = -1;
  /** What the leader based its last assignment on: a change means a new rebalance. */
  #assignedShape = '';
  #firstAssignment: { promise: Promise<void>; resolve: () => void };

  constructor(options: DistributedHerderOptions) {
    const { config } = options;
    this.#config = config;
    this.#plugins = options.plugins;
    this.#log = options.logger.child({ component: 'herder' });
    this.workerId = `${config.advertisedHost}:${config.advertisedPort}`;
    this.url = `http://${this.workerId}`;
    this.#client = { bootstrapServers: config.bootstrapServers, clientId: `connect-${this.workerId}` };
    this.#configs = new KafkaConfigBackingStore({
      topic: config.configTopic,
      client: this.#client,
      logger: this.#log,
    });
    this.#offsets = new KafkaOffsetBackingStore({
      topic: config.offsetTopic,
      client: this.#client,
      logger: this.#log,
    });
    this.#statuses = new KafkaStatusBackingStore({
      topic: config.statusTopic,
      client: this.#client,
      logger: this.#log,
    });
    this.#queue = new RequestQueue((error) => this.#log.error({ err: error }, 'herder request failed'));
    this.#transformer = new ConfigTransformer(createConfigProviders(config.configProviders));
    this.#worker = new Worker({
      transformer: this.#transformer,
      workerId: this.workerId,
      config,
      client: this.#client,
      plugins: this.#plugins,
      configs: this.#configs,
      offsets: this.#offsets,
      statuses: this.#statuses,
      metrics: this.metrics,
      logger: options.logger,
      generation: () => this.#generation,
    });
    this.#member = new WorkerGroupMember({
      groupId: config.groupId,
      bootstrapServers: config.bootstrapServers,
      clientId: `connect-${this.workerId}-group`,
      workerId: this.workerId,
      url: this.url,
      sessionTimeoutMs: config.sessionTimeoutMs,
      rebalanceTimeoutMs: config.rebalanceTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      logger: options.logger,
      assign: (members, generation, leader) => this.#assign(members, generation, leader),
      onRevoke: () => this.#queue.run(() => this.#revokeAll()),
      onAssignment: (assignment) => this.#queue.run(() => this.#applyAssignment(assignment)),
    });
    let resolve = () => {};
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    this.#firstAssignment = { promise, resolve };
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
    );
    const admin = this.#admin();
    try {
      this.#clusterId = (await admin.metadata({ topics: [] })).id;
    } finally {
      await admin.close().catch(() => {});
    }
    await Promise.all([this.#configs.start(), this.#offsets.start(), this.#statuses.start()]);
    this.#configs.setListener({
      onConnectorChange: (name) => void this.#queue.run(() => this.#onConnectorChange(name)),
      onRestartRequest: (request) => void this.#queue.run(() => this.#onRestart(request)),
    });
    this.#member.start();
    await Promise.race([
      this.#firstAssignment.promise,
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
    // As Connect's herder halts: tasks stop (a source writes its offsets, a sink commits) while
    // this worker still holds them, then it leaves the group. Leaving first hands the tasks to
    // other workers, which start them from offsets not yet written, and send or write again.
    await this.#queue.run(() => this.#worker.stopAll());
    await this.#member.stop();
    // Anything a rebalance started meanwhile.
    await this.#queue.run(() => this.#worker.stopAll());
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
    const work = assignWork(members, connectors, counts);
    return new Map(
      [...work].map(([memberId, w]) => [
        memberId,
        {
          generation,
          leader: leader.memberId,
          leaderUrl: leader.url,
          configOffset: String(state.offset),
          connectors: w.connectors,
          tasks: w.tasks,
        },
      ]),
    );
  }

  async #revokeAll(): Promise<void> {
    // Eager rebalancing: nothing keeps running while ownership may move to another worker.
    await this.#worker.stopAll();
  }

  async #applyAssignment(assignment: WorkerAssignment): Promise<void> {
    this.#assignment = assignment;
    this.#generation = assignment.generation;
    await this.#configs.refresh();
    const state = this.#configs.state;
    await this.#worker.stopAll();
    for (const name of assignment.connectors ?? []) {
      const config = state.connectorConfigs.get(name);
      if (config) await this.#worker.startConnector(name, config, state.targetStates.get(name) ?? 'STARTED');
    }
    for (const { connector, task } of assignment.tasks ?? []) {
      const taskConfig = state.taskConfigs.get(connector)?.[task];
      const connectorConfig = state.connectorConfigs.get(connector);
      if (taskConfig && connectorConfig) {
        await this.#worker.startTask(
          connector,
          task,
          taskConfig,
          connectorConfig,
          state.targetStates.get(connector) ?? 'STARTED',
        );
      }
    }
    this.#firstAssignment.resolve();
    // Configs may have changed while the rebalance ran.
    if (this.#member.isLeader) this.#rebalanceIfShapeChanged();
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
    // New task configs with the same task count cause no rebalance: restart the tasks running
    // here with old configs, as Connect's herder does when it reads a task config commit.
    const taskConfigs = state.taskConfigs.get(name) ?? [];
    for (const { connector, task } of this.#worker.taskIds()) {
      const taskConfig = taskConfigs[task];
      if (connector !== name || !taskConfig) continue;
      if (!this.#worker.taskConfigChanged(name, task, taskConfig, config)) continue;
      this.#log.info({ connector: name, task }, 'task config changed: restarting task');
      await this.#worker.stopTask(name, task);
      await this.#worker.startTask(name, task, taskConfig, config, target);
    }
    await this.#worker.setTargetState(name, target);
  }

  async #onRestart(request: RestartRequest): Promise<void> {
    const state = this.#configs.state;
    const config = state.connectorConfigs.get(request.connector);
    if (!config) return;
    const target = state.targetStates.get(request.connector) ?? 'STARTED';
    const failed = (s: string | undefined) => s === 'FAILED';
    if (this.#worker.ownsConnector(request.connector)) {
      if (!request.onlyFailed || failed(this.#worker.connectorState(request.connector))) {
        this.#log.info({ connector: request.connector }, 'restarting connector');
        await this.#worker.stopConnector(request.connector);
        await this.#worker.startConnector(request.connector, config, target);
      }
    }
    if (!request.includeTasks) return;
    for (const { connector, task } of this.#worker.taskIds()) {
      if (connector !== request.connector) continue;
      if (request.onlyFailed && !failed(this.#worker.taskState(connector, task))) continue;
      const taskConfig = state.taskConfigs.get(connector)?.[task];
      await this.#worker.stopTask(connector, task);
      if (taskConfig) await this.#worker.startTask(connector, task, taskConfig, config, target);
    }
  }

  // ---- operator requests --------------------------------------------------------------------

  #requireLeader(what: string): void {
    if (!this.#member.isLeader) {
      throw new NotLeaderError(`Cannot ${what}: this worker is not the leader`, this.#assignment?.leaderUrl);
    }
  }

  /** Operator calls wait until this worker has joined its cluster (bounded by the REST timeout). */
  async #ready(): Promise<void> {
    await this.#firstAssignment.promise;
  }

  /** The connector's config; a 404 with `message` (Connect's text differs by route) when unknown. */
  async #requireConnector(name: string, message?: string): Promise<Record<string, string>> {
    await this.#ready();
    await this.#configs.refresh();
    const config = this.#configs.state.connectorConfigs.get(name);
    if (!config) throw message === undefined ? connectorNotFound(name) : notFound(message);
    return config;
  }

  #pluginOf(config: Record<string, string>): ConnectorPlugin | undefined {
    return this.#plugins.find(config['connector.class']);
  }

  async connectors(): Promise<string[]> {
    await this.#ready();
    await this.#configs.refresh();
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
    return maskSecrets(config, this.#pluginOf(connectorConfig)?.configDef);
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
    const restored = restoreHiddenSecrets(
      { ...config, name },
      this.#configs.state.connectorConfigs.get(name),
      this.#pluginOf(config)?.configDef,
    );
    if (restored.unresolved.length > 0) {
      throw badRequest(
        `${restored.unresolved.join(', ')}: '${HIDDEN}' stands for a stored secret, and this connector has none; give the value itself or a config provider reference`,
      );
    }
    const full: ConnectorConfig = restored.config;
    const infos = await this.validateConnectorConfig(full['connector.class'], full);
    if (infos.error_count > 0) throw badRequest(configErrorsMessage(infos));
    this.#requireLeader('write connector configs');
    const initial: TargetState | undefined = exists
      ? undefined
      : initialState === 'PAUSED'
        ? 'PAUSED'
        : initialState === 'STOPPED'
          ? 'STOPPED'
          : 'STARTED';
    await this.#configs.putConnectorConfig(name, full, initial);
    await this.#configs.refresh();
    return { created: !exists, info: await this.connectorInfo(name) };
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const current = await this.#requireConnector(name);
    const next: Record<string, string> = { ...current };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    return (await this.putConnectorConfig(name, next, true)).info;
  }

  async deleteConnector(name: string): Promise<void> {
    await this.#requireConnector(name);
    this.#requireLeader('delete connectors');
    const taskCount = this.#configs.state.taskCount(name);
    await this.#configs.removeConnectorConfig(name);
    await this.#configs.refresh();
    await this.#statuses.remove(name, taskCount);
  }

  #stateOf(status: Status | undefined): StateInfo {
    if (!status) return { state: 'UNASSIGNED', worker_id: this.workerId };
    return {
      state: status.state,
      worker_id: status.worker_id,
      ...(status.trace ? { trace: status.trace } : {}),
      ...(typeof status.version === 'string' ? { version: status.version } : {}),
    };
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const config = await this.#requireConnector(name, `No status found for connector ${name}`);
    await this.#statuses.refresh();
    const taskStatuses = this.#statuses.tasks(name);
    const count = this.#configs.state.taskCount(name);
    return {
      name,
      connector: this.#stateOf(this.#statuses.connector(name)),
      tasks: Array.from({ length: count }, (_, id) => ({ id, ...this.#stateOf(taskStatuses.get(id)) })),
      type: this.#pluginOf(config)?.type ?? 'unknown',
    };
  }

  async taskStatus(name: string, task: number): Promise<TaskStateInfo> {
    await this.#requireConnector(name, `No status found for task ${name}-${task}`);
    const status = await this.connectorStatus(name);
    const found = status.tasks.find((t) => t.id === task);
    if (!found) throw notFound(`No status found for task ${name}-${task}`);
    return found;
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    await this.#requireConnector(name);
    const connectorConfig = await this.#requireConnector(name);
    return (this.#configs.state.taskConfigs.get(name) ?? []).map((config, task) => ({
      id: { connector: name, task },
      config: this.#masked(config, connectorConfig),
    }));
  }

  async restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | undefined> {
    await this.#requireConnector(request.connector, `Unknown connector: ${request.connector}`);
    this.#requireLeader('restart connectors');
    const before = await this.connectorStatus(request.connector);
    await this.#configs.putRestartRequest(request);
    if (!request.includeTasks && !request.onlyFailed) return undefined;
    const restarting = (s: { state: string }) => !request.onlyFailed || s.state === 'FAILED';
    return {
      ...before,
      connector: restarting(before.connector)
        ? { ...before.connector, state: 'RESTARTING' }
        : before.connector,
      tasks: before.tasks.map((t) =>
        request.includeTasks && restarting(t) ? { ...t, state: 'RESTARTING' } : t,
      ),
    };
  }

  async restartTask(name: string, task: number): Promise<void> {
    const config = await this.#requireConnector(name, `Unknown connector: ${name}`);
    const taskConfig = this.#configs.state.taskConfigs.get(name)?.[task];
    if (!taskConfig) throw notFound(`Unknown task: ${name}-${task}`);
    if (this.#assignment?.tasks.some((t) => t.connector === name && t.task === task)) {
      await this.#queue.run(async () => {
        await this.#worker.stopTask(name, task);
        await this.#worker.startTask(
          name,
          task,
          taskConfig,
          config,
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
    await this.#requireConnector(name);
    await this.#configs.putTargetState(name, 'PAUSED');
  }

  async resumeConnector(name: string): Promise<void> {
    await this.#requireConnector(name);
    await this.#configs.putTargetState(name, 'STARTED');
  }

  async stopConnector(name: string): Promise<void> {
    await this.#requireConnector(name);
    this.#requireLeader('stop connectors');
    await this.#configs.putTargetState(name, 'STOPPED');
  }

  async connectorActiveTopics(name: string): Promise<string[]> {
    await this.#requireConnector(name);
    await this.#statuses.refresh();
    return this.#statuses.activeTopics(name);
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    await this.#requireConnector(name);
    await this.#statuses.resetTopics(name);
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const config = await this.#requireConnector(name);
    if (this.#pluginOf(config)?.type === 'sink') return { offsets: await this.#sinkOffsets(name) };
    await this.#offsets.refresh();
    return { offsets: this.#offsets.list(name) };
  }

  /** A short-lived admin client whose stray 'error' events are logged, never left unheard. */
  #admin(): Admin {
    const admin = createAdmin({ ...this.#client, clientId: `${this.#client.clientId}-admin` });
    admin.on('error', (error: unknown) => this.#log.warn({ err: error }, 'admin client error'));
    return admin;
  }

  async #sinkOffsets(name: string): Promise<ConnectorOffsets['offsets']> {
    const admin = this.#admin();
    try {
      const groups = await admin.listConsumerGroupOffsets({ groups: [`connect-${name}`] });
      return (groups[0]?.topics ?? []).flatMap((topic) =>
        topic.partitions
          .filter((p) => p.committedOffset >= 0n)
          .map((p) => ({
            partition: { kafka_topic: topic.name, kafka_partition: p.partitionIndex },
            offset: { kafka_offset: Number(p.committedOffset) },
          })),
      );
    } finally {
      await admin.close().catch(() => {});
    }
  }

  async #requireStopped(name: string): Promise<Record<string, string>> {
    const config = await this.#requireConnector(name);
    if (this.#configs.state.targetStates.get(name) !== 'STOPPED') {
      throw badRequest(
        `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      );
    }
    return config;
  }

  async alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<string> {
    const config = await this.#requireStopped(name);
    const plugin = this.#pluginOf(config);
    try {
      await plugin?.alterOffsets?.(config, offsets.offsets);
    } catch (error) {
      // As Connect: whatever the connector refuses is the caller's mistake.
      if (error instanceof ConnectError) throw error;
      throw badRequest(`Failed to alter offsets for connector ${name}: ${(error as Error).message}`);
    }
    if (plugin?.type === 'sink') {
      // Every entry is checked before anything is sent: a bad one changes nothing.
      const changes = parseSinkConnectorOffsets(offsets.offsets);
      const groupId = `connect-${name}`;
      const admin = this.#admin();
      try {
        if (changes.alter.length > 0) {
          await admin.alterConsumerGroupOffsets({ groupId, topics: changes.alter });
        }
        if (changes.remove.length > 0) {
          await admin
            .deleteConsumerGroupOffsets({ groupId, topics: changes.remove })
            .catch((error: unknown) => {
              // A group that never committed has nothing to remove.
              if (!isGroupNotFound(error)) throw error;
            });
        }
      } finally {
        await admin.close().catch(() => {});
      }
    } else {
      await this.#offsets.set(
        name,
        offsets.offsets.map(({ partition, offset }) => ({ partition, offset })),
      );
    }
    return 'The offsets for this connector have been altered successfully';
  }

  async resetConnectorOffsets(name: string): Promise<string> {
    const config = await this.#requireStopped(name);
    if (this.#pluginOf(config)?.type === 'sink') {
      const admin = this.#admin();
      try {
        await admin.deleteGroups({ groups: [`connect-${name}`] }).catch((error: unknown) => {
          // A group that never committed does not exist: nothing to reset.
          if (!isGroupNotFound(error)) throw error;
        });
      } finally {
        await admin.close().catch(() => {});
      }
    } else {
      await this.#offsets.refresh();
      await this.#offsets.set(
        name,
        this.#offsets.list(name).map(({ partition }) => ({ partition, offset: null })),
      );
    }
    return 'The offsets for this connector have been reset successfully';
  }

  plugins(connectorsOnly: boolean): PluginInfo[] {
    const connectors = this.#plugins.connectorPlugins();
    if (connectorsOnly) return connectors;
    return [
      ...connectors,
      ...converterRegistry
        .classNames()
        .sort()
        .map((className) => ({ class: className, type: 'converter' as const, version: KAFKA_VERSION })),
      ...transformationPlugins().map((p) => ({
        class: p.className,
        type: 'transformation' as const,
        version: p.version,
      })),
      ...predicatePluginList().map((p) => ({
        class: p.className,
        type: 'predicate' as const,
        version: p.version,
      })),
    ];
  }

  pluginConfig(pluginName: string): ConfigKeyInfo[] {
    return pluginConfigKeys(this.#plugins, pluginName);
  }

  async validateConnectorConfig(
    pluginClass: string | undefined,
    config: ConnectorConfig,
  ): Promise<ConfigInfos> {
    const className = pluginClass ?? config['connector.class'];
    if (!className) throw badRequest('Connector config contains no connector type');
    const plugin = this.#plugins.find(className);
    if (!plugin) {
      throw badRequest(
        `Failed to find any class that implements Connector and which name matches ${className}`,
      );
    }
    // Validated with references resolved (as Apache's herder does), answered with them as written.
    const resolved = this.#transformer.transform(config);
    for (const key of secretKeys(resolved.config, plugin.configDef)) rememberSecret(resolved.config[key]);
    const extra = new Map(resolved.errors);
    if (resolved.errors.size === 0 && plugin.validate) {
      for (const [key, errors] of await plugin.validate(resolved.config))
        extra.set(key, [...(extra.get(key) ?? []), ...errors]);
    }
    const infos = validateConnectorConfig({
      props: { ...resolved.config, 'connector.class': className },
      type: plugin.type,
      connectorDef: plugin.configDef,
      extraErrors: extra,
    });
    for (const { value } of infos.configs) {
      const raw = config[value.name];
      if (hasReference(raw)) value.value = raw ?? null;
      // Values of secret keys already read [hidden]; an error may quote what a driver saw.
      value.errors = value.errors.map(scrubKnownSecrets);
    }
    return infos;
  }
}

/** The group never committed (or was deleted): nothing to read, alter away or reset. */
function isGroupNotFound(error: unknown): boolean {
  return hasProtocolError(error, 'GROUP_ID_NOT_FOUND');
}

function shapeOf(connectors: string[], counts: Map<string, number>): string {
  return connectors.map((n) => `${n}:${counts.get(n) ?? 0}`).join(',');
}

export { ConnectError };
