import type { ClientSettings } from '@msa-sync/kafka';
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
  TaskInfo,
  TaskStateInfo,
} from '../entities.js';
import { alreadyExists, badRequest, connectorNotFound, notFound } from '../errors/connect-error.js';
import { FileOffsetBackingStore } from '../storage/file-offset-store.js';
import { MemoryConfigBackingStore } from '../storage/memory-config-store.js';
import { MemoryStatusBackingStore } from '../storage/memory-status-store.js';
import { openAdmin } from '../worker/connector-offsets.js';
import type { PluginRegistry } from '../worker/plugins.js';
import type { StandaloneWorkerConfig } from '../worker/standalone-config.js';
import { type TaskThreadSettings, Worker } from '../worker/worker.js';
import { WorkerMetrics } from '../worker/worker-metrics.js';
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

export interface StandaloneHerderOptions {
  config: StandaloneWorkerConfig;
  plugins: PluginRegistry;
  logger: Logger;
  /** The task thread module (see WorkerDeps.taskThreads); unset, tasks run on the worker's thread. */
  taskThreads?: TaskThreadSettings;
}

/**
 * A Connect worker in standalone mode (Apache's StandaloneHerder): one process runs every connector
 * and task; configs and statuses live in memory, source offsets in a local file. No group, no
 * leader, no internal topics; sinks still commit to their consumer group `connect-<name>`.
 */
export class StandaloneHerder implements Herder {
  readonly workerId: string;
  readonly url: string;
  readonly metrics = new WorkerMetrics();
  readonly #plugins: PluginRegistry;
  readonly #log: Logger;
  readonly #client: ClientSettings;
  readonly #configs = new MemoryConfigBackingStore();
  readonly #statuses = new MemoryStatusBackingStore();
  readonly #offsets: FileOffsetBackingStore;
  readonly #worker: Worker;
  readonly #queue: RequestQueue;
  readonly #transformer: ConfigTransformer;
  readonly #config: StandaloneHerderOptions['config'];
  #clusterId = '';

  constructor(options: StandaloneHerderOptions) {
    const { config } = options;
    this.#config = config;
    this.#plugins = options.plugins;
    this.#log = options.logger.child({ component: 'herder' });
    this.workerId = `${config.advertisedHost}:${config.advertisedPort}`;
    this.url = `http://${this.workerId}`;
    this.#client = { bootstrapServers: config.bootstrapServers, clientId: `connect-${this.workerId}` };
    this.#offsets = new FileOffsetBackingStore({ file: config.offsetFile, logger: this.#log });
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
      ...(options.taskThreads ? { taskThreads: options.taskThreads } : {}),
      generation: () => 0,
    });
    this.#configs.setListener({
      onConnectorChange: (name) => void this.#queue.run(() => this.#reconcile(name)),
      // Restarts are carried out by the call that asks for them.
      onRestartRequest: () => {},
    });
  }

  async start(): Promise<void> {
    // As Apache's standalone worker: the Kafka cluster id is looked up first, so an unreachable
    // cluster stops the start instead of failing every task later.
    const admin = openAdmin(this.#client, this.#log);
    try {
      this.#clusterId = (await admin.metadata({ topics: [] })).id;
    } finally {
      await admin.close().catch(() => {});
    }
    await this.#offsets.start();
    this.#log.info({ workerId: this.workerId }, 'standalone worker started');
  }

  async stop(): Promise<void> {
    // Source tasks write their offsets as they stop; the file store then finishes its writes.
    await this.#queue.run(() => this.#worker.close());
    await this.#offsets.stop();
  }

  kafkaClusterId(): string {
    return this.#clusterId;
  }

  /** Waits for the reactions the last store change queued (starting, stopping, new target state). */
  #settled(): Promise<void> {
    return this.#queue.run(async () => {});
  }

  /** Makes what the worker runs of a connector match its stored config, target state and tasks. */
  async #reconcile(name: string): Promise<void> {
    const state = this.#configs.state;
    const config = state.connectorConfigs.get(name);
    const owned = this.#worker.taskIds().filter((t) => t.connector === name);
    if (!config) {
      for (const { task } of owned) await this.#worker.stopTask(name, task);
      await this.#worker.stopConnector(name);
      return;
    }
    const target = state.targetStates.get(name) ?? 'STARTED';
    const running = this.#worker.connectorConfig(name);
    if (running === undefined) {
      await this.#worker.startConnector(name, config, target);
    } else if (JSON.stringify(running) !== JSON.stringify(config)) {
      // A new config: restart the connector, which republishes task configs if they changed.
      await this.#worker.stopConnector(name);
      await this.#worker.startConnector(name, config, target);
    }
    const taskConfigs = state.taskConfigs.get(name) ?? [];
    for (const { task } of owned) if (!taskConfigs[task]) await this.#worker.stopTask(name, task);
    const taskConnectorConfig = state.taskConnectorConfig(name) ?? config;
    await restartChangedTasks(this.#worker, name, taskConfigs, taskConnectorConfig, target, this.#log);
    for (const [task, taskConfig] of taskConfigs.entries()) {
      if (!owned.some((t) => t.task === task)) {
        await this.#worker.startTask(name, task, taskConfig, taskConnectorConfig, target);
      }
    }
    await this.#worker.setTargetState(name, target);
  }

  // ---- operator requests --------------------------------------------------------------------

  #requireConnector(name: string, message?: string): Record<string, string> {
    const config = this.#configs.state.connectorConfigs.get(name);
    if (!config) throw message === undefined ? connectorNotFound(name) : notFound(message);
    return config;
  }

  #pluginOf(config: Record<string, string>): ConnectorPlugin | undefined {
    return this.#plugins.find(config['connector.class']);
  }

  async connectors(): Promise<string[]> {
    return this.#configs.state.connectors();
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const config = this.#requireConnector(name);
    const tasks = this.#configs.state.taskConfigs.get(name) ?? [];
    return {
      name,
      config: maskedConfig(config, this.#pluginOf(config)),
      tasks: tasks.map((_, task) => ({ connector: name, task })),
      type: this.#pluginOf(config)?.type ?? 'unknown',
    };
  }

  async connectorConfig(name: string): Promise<ConnectorConfig> {
    const config = this.#requireConnector(name);
    return maskedConfig(config, this.#pluginOf(config));
  }

  async putConnectorConfig(
    name: string,
    config: ConnectorConfig,
    allowReplace: boolean,
    initialState?: 'RUNNING' | 'PAUSED' | 'STOPPED',
  ): Promise<{ created: boolean; info: ConnectorInfo }> {
    const stored = this.#configs.state.connectorConfigs.get(name);
    if (stored && !allowReplace) throw alreadyExists(`Connector ${name} already exists`);
    const full = configToStore(name, config, stored, this.#pluginOf(config));
    const infos = await this.validateConnectorConfig(full['connector.class'], full);
    if (infos.error_count > 0) throw badRequest(configErrorsMessage(infos));
    // Validation may take a while (a database to reach): a create that raced this one wins.
    const exists = this.#configs.state.connectorConfigs.has(name);
    if (exists && !allowReplace) throw alreadyExists(`Connector ${name} already exists`);
    await this.#configs.putConnectorConfig(name, full, exists ? undefined : initialTargetState(initialState));
    await this.#settled();
    return { created: !exists, info: await this.connectorInfo(name) };
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const next: Record<string, string> = { ...this.#requireConnector(name) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    return (await this.putConnectorConfig(name, next, true)).info;
  }

  async deleteConnector(name: string): Promise<void> {
    this.#requireConnector(name);
    await this.#configs.removeConnectorConfig(name);
    await this.#settled();
    await this.#statuses.remove(name);
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    const config = this.#requireConnector(name, `No status found for connector ${name}`);
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
    this.#requireConnector(name, `No status found for task ${name}-${task}`);
    const found = (await this.connectorStatus(name)).tasks.find((t) => t.id === task);
    if (!found) throw notFound(`No status found for task ${name}-${task}`);
    return found;
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const connectorConfig = this.#requireConnector(name);
    return (this.#configs.state.taskConfigs.get(name) ?? []).map((config, task) => ({
      id: { connector: name, task },
      config: maskedConfig(config, this.#pluginOf(connectorConfig)),
    }));
  }

  async restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | undefined> {
    this.#requireConnector(request.connector, `Unknown connector: ${request.connector}`);
    const before = await this.connectorStatus(request.connector);
    await this.#queue.run(() => restartOnWorker(this.#worker, this.#configs.state, request, this.#log));
    return restartingStatus(before, request);
  }

  async restartTask(name: string, task: number): Promise<void> {
    const config = this.#requireConnector(name, `Unknown connector: ${name}`);
    const taskConfig = this.#configs.state.taskConfigs.get(name)?.[task];
    if (!taskConfig) throw notFound(`Unknown task: ${name}-${task}`);
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
  }

  async #setTargetState(name: string, target: 'STARTED' | 'PAUSED' | 'STOPPED'): Promise<void> {
    // Connect's words for pause, resume and stop of an unknown connector.
    this.#requireConnector(name, `Unknown connector ${name}`);
    await this.#configs.putTargetState(name, target);
    await this.#settled();
  }

  pauseConnector(name: string): Promise<void> {
    return this.#setTargetState(name, 'PAUSED');
  }

  resumeConnector(name: string): Promise<void> {
    return this.#setTargetState(name, 'STARTED');
  }

  stopConnector(name: string): Promise<void> {
    return this.#setTargetState(name, 'STOPPED');
  }

  async connectorActiveTopics(name: string): Promise<string[]> {
    this.#requireConnector(name);
    return this.#statuses.activeTopics(name);
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.#requireConnector(name);
    await this.#statuses.resetTopics(name);
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const config = this.#requireConnector(name);
    return this.#worker.connectorOffsets(name, config);
  }

  #requireStopped(name: string): Record<string, string> {
    const config = this.#requireConnector(name);
    if (this.#configs.state.targetStates.get(name) !== 'STOPPED') throw badRequest(notStoppedMessage(name));
    return config;
  }

  async alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<string> {
    const config = this.#requireStopped(name);
    return this.#worker.alterConnectorOffsets(name, config, offsets);
  }

  async resetConnectorOffsets(name: string): Promise<string> {
    const config = this.#requireStopped(name);
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
      // Apache's standalone mode has neither exactly-once sources nor per-connector offsets topics.
      exactlyOnceSource: false,
      connectorOffsetsTopics: false,
    });
  }
}
