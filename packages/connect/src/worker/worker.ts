import { type ClientSettings, type KafkaClients, kafkaClients } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import { ConnectException } from '../api/connect-exception.js';
import type { Connector, ConnectorPlugin, SourceTask } from '../api/connector.js';
import { clientOverrideOptions } from '../config/client-overrides.js';
import { tasksMaxOf, transactionBoundaryOf } from '../config/connector-config.js';
import { secretKeys } from '../config/secret-values.js';
import { topicCreationGroups } from '../config/topic-creation-config.js';
import { ConfigTransformer, restoreReferences } from '../config-providers/index.js';
import type { ConnectorOffsets, ConnectorState, TargetState } from '../entities.js';
import { rememberSecret } from '../logging/known-secrets.js';
import { redactText } from '../logging/redaction.js';
import type { ConfigBackingStore } from '../storage/config-store.js';
import { type ConnectorOffsetBackingStore, connectorOffsetStore } from '../storage/connector-offset-store.js';
import type { OffsetBackingStore } from '../storage/offset-store.js';
import type { StatusBackingStore } from '../storage/status-backing-store.js';
import {
  alterConnectorOffsets,
  type OffsetsContext,
  readConnectorOffsets,
  resetConnectorOffsets,
} from './connector-offsets.js';
import type { PluginRegistry } from './plugins.js';
import { commonTaskOptions, sinkTaskRunner, type TaskSetup, taskWorkerSettings } from './task-setup.js';
import { traceOf } from './task-status.js';
import { TaskThreadPool } from './task-thread-pool.js';
import { ThreadedTask } from './threaded-task.js';
import type { WorkerConfig } from './worker-config.js';
import type { WorkerMetrics } from './worker-metrics.js';
import { type FencingGate, WorkerSourceTask } from './worker-source-task.js';
import type { TaskRunner } from './worker-task.js';

export interface WorkerDeps {
  workerId: string;
  config: WorkerConfig;
  client: ClientSettings;
  /** Builds every Kafka client the worker's tasks and stores use; default the real ones. */
  clients?: KafkaClients;
  plugins: PluginRegistry;
  configs: ConfigBackingStore;
  offsets: OffsetBackingStore;
  statuses: StatusBackingStore;
  metrics: WorkerMetrics;
  logger: Logger;
  generation: () => number;
  /** Resolves config provider references when a connector or task starts; default: none configured. */
  transformer?: ConfigTransformer;
  /**
   * Set, each sink task runs on a thread of its own, as Apache runs each task on its own Java
   * thread; unset, on this one (unit tests, which inject their clients, and
   * `task.threads.enable=false`).
   */
  taskThreads?: TaskThreadSettings;
  /**
   * The distributed herder's checks around an exactly-once source task's producer start (Apache's
   * pre- and postflight checks: the zombie fencing round of its task generation); unset, none.
   */
  fencingGate?: (connector: string) => FencingGate;
}

interface RunningConnector {
  plugin: ConnectorPlugin;
  instance: Connector | undefined;
  config: Record<string, string>;
  state: ConnectorState;
}

interface RunningTask {
  runner: TaskRunner | undefined;
  state: ConnectorState;
  /** The configs the task was started with: a change in either means a restart. */
  taskConfig: Record<string, string>;
  connectorConfig: Record<string, string>;
  /** A source task's offsets store; its own offsets topic's reader closes with the task. */
  offsets?: ConnectorOffsetBackingStore;
  /** A start still waiting for its fencing round, and how a stop ends that wait. */
  starting?: { done: Promise<void>; abort: AbortController };
}

export interface TaskThreadSettings {
  /** The module a task thread runs (bin/task-thread-main.ts, built). */
  entry: URL;
  /** The worker's logger levels by namespace, which task threads follow. */
  logLevels: () => Record<string, string>;
  /** Calls `listener` when an operator changed a level; returns its removal. */
  onLogLevelsChanged: (listener: () => void) => () => void;
}

const taskKey = (connector: string, task: number) => `${connector}\u0000${task}`;

/**
 * Runs the connector and task instances assigned to this worker and reports their states to
 * the status topic. It decides nothing about placement: the herder tells it what to run.
 */
export class Worker {
  readonly #d: WorkerDeps;
  readonly #log: Logger;
  readonly #connectors = new Map<string, RunningConnector>();
  readonly #tasks = new Map<string, RunningTask>();
  readonly #transformer: ConfigTransformer;
  readonly #clients: KafkaClients;
  /** Set when sink tasks run on task threads: their pool and the settings they take. */
  readonly #threads: { pool: TaskThreadPool; settings: TaskThreadSettings } | undefined;

  constructor(deps: WorkerDeps) {
    this.#d = deps;
    this.#clients = deps.clients ?? kafkaClients;
    this.#log = deps.logger.child({ component: 'worker' });
    this.#transformer = deps.transformer ?? new ConfigTransformer(new Map());
    this.#threads = deps.taskThreads
      ? { pool: new TaskThreadPool(deps.taskThreads.entry), settings: deps.taskThreads }
      : undefined;
  }

  /**
   * The config an instance runs with: references resolved, secrets remembered so that no log line,
   * trace or DLQ header shows them. The stored (raw) config stays what the herder compares.
   */
  #resolve(config: Record<string, string>, plugin: ConnectorPlugin): Record<string, string> {
    const resolved = this.#transformer.resolve(config).config;
    for (const key of secretKeys(resolved, plugin.configDef)) rememberSecret(resolved[key]);
    return resolved;
  }

  connectorNames(): string[] {
    return [...this.#connectors.keys()];
  }

  taskIds(): { connector: string; task: number }[] {
    return [...this.#tasks.keys()].map((k) => {
      const [connector, task] = k.split('\u0000') as [string, string];
      return { connector, task: Number(task) };
    });
  }

  ownsConnector(name: string): boolean {
    return this.#connectors.has(name);
  }

  /** The config the connector on this worker runs with, if it runs here. */
  connectorConfig(name: string): Record<string, string> | undefined {
    return this.#connectors.get(name)?.config;
  }

  connectorState(name: string): ConnectorState | undefined {
    return this.#connectors.get(name)?.state;
  }

  taskState(name: string, task: number): ConnectorState | undefined {
    return this.#tasks.get(taskKey(name, task))?.state;
  }

  /** Whether the task runs here with other configs than these (it must restart to pick them up). */
  taskConfigChanged(
    name: string,
    task: number,
    taskConfig: Record<string, string>,
    connectorConfig: Record<string, string>,
  ): boolean {
    const running = this.#tasks.get(taskKey(name, task));
    if (!running) return false;
    return (
      JSON.stringify(running.taskConfig) !== JSON.stringify(taskConfig) ||
      JSON.stringify(running.connectorConfig) !== JSON.stringify(connectorConfig)
    );
  }

  #reportConnector(name: string, state: ConnectorState, error?: unknown): void {
    const running = this.#connectors.get(name);
    if (running) running.state = state;
    if (error) this.#log.error({ err: error, connector: name }, 'connector failed');
    const version = running?.plugin.version;
    void this.#d.statuses
      .putConnector(name, {
        state,
        trace: error ? redactText(traceOf(error)) : null,
        worker_id: this.#d.workerId,
        generation: this.#d.generation(),
        ...(version === undefined ? {} : { version }),
      })
      .catch((e: unknown) => this.#log.warn({ err: e }, 'status write failed'));
  }

  #reportTask(name: string, task: number, state: ConnectorState, error?: unknown): void {
    const running = this.#tasks.get(taskKey(name, task));
    if (running) running.state = state;
    this.#d.metrics.setTaskState(name, task, state);
    const version = running && this.#d.plugins.find(running.connectorConfig['connector.class'])?.version;
    void this.#d.statuses
      .putTask(name, task, {
        state,
        trace: error ? redactText(traceOf(error)) : null,
        worker_id: this.#d.workerId,
        generation: this.#d.generation(),
        ...(version ? { version } : {}),
      })
      .catch((e: unknown) => this.#log.warn({ err: e }, 'status write failed'));
  }

  /** Starts a connector in its target state; a STARTED one also (re)publishes its task configs. */
  async startConnector(name: string, config: Record<string, string>, target: TargetState): Promise<void> {
    const plugin = this.#d.plugins.find(config['connector.class']);
    if (!plugin) {
      this.#connectors.set(name, {
        plugin: undefined as unknown as ConnectorPlugin,
        instance: undefined,
        config,
        state: 'FAILED',
      });
      this.#reportConnector(
        name,
        'FAILED',
        new Error(
          `Failed to find any class that implements Connector and which name matches ${config['connector.class']}`,
        ),
      );
      return;
    }
    const running: RunningConnector = { plugin, instance: undefined, config, state: 'UNASSIGNED' };
    this.#connectors.set(name, running);
    if (target === 'STOPPED') {
      this.#reportConnector(name, 'STOPPED');
      await this.#publishTaskConfigs(name, []);
      return;
    }
    try {
      const resolved = this.#resolve(config, plugin);
      const instance = plugin.createConnector();
      running.instance = instance;
      await instance.start(resolved, {
        requestTaskReconfiguration: () => {
          void this.#reconfigure(name);
        },
        raiseError: (error) => this.#reportConnector(name, 'FAILED', error),
      });
      this.#reportConnector(name, target === 'PAUSED' ? 'PAUSED' : 'RUNNING');
      await this.#reconfigure(name);
    } catch (error) {
      this.#reportConnector(name, 'FAILED', error);
    }
  }

  async #reconfigure(name: string): Promise<void> {
    const running = this.#connectors.get(name);
    if (!running?.instance || running.state === 'FAILED') return;
    try {
      const max = tasksMaxOf(running.config);
      const generated = await running.instance.taskConfigs(max);
      if (generated.length > max) {
        // Apache's default (tasks.max.enforce=true), the only behaviour msa-sync has.
        throw new ConnectException(
          `The connector ${name} has generated ${generated.length} tasks, more than its tasks.max of ${max}; a connector must not create more tasks than tasks.max allows.`,
        );
      }
      // Task configs go to connect-configs: references back in place of what they resolved to.
      const tasks = generated.map((t) =>
        restoreReferences(running.config, { ...t, 'task.class': running.plugin.taskClassName }),
      );
      await this.#publishTaskConfigs(name, tasks);
    } catch (error) {
      this.#reportConnector(name, 'FAILED', error);
    }
  }

  /**
   * Writes task configs when they differ from what the config topic has, or when they came from
   * another connector config than the one this connector runs with (as Connect's herder does since
   * KAFKA-9228): tasks run with the connector config their task configs came from, so a changed
   * connector config reaches them through a new commit even when the task configs are the same.
   */
  async #publishTaskConfigs(name: string, tasks: Record<string, string>[]): Promise<void> {
    const state = this.#d.configs.state;
    const current = state.taskConfigs.get(name) ?? [];
    const generatedFrom = this.#connectors.get(name)?.config;
    const applied = state.appliedConnectorConfigs.get(name);
    const sameSource =
      tasks.length === 0 ||
      generatedFrom === undefined ||
      JSON.stringify(applied) === JSON.stringify(generatedFrom);
    if (JSON.stringify(current) === JSON.stringify(tasks) && sameSource) return;
    this.#log.info({ connector: name, tasks: tasks.length }, 'publishing task configs');
    await this.#d.configs.putTaskConfigs(name, tasks);
  }

  async stopConnector(name: string): Promise<void> {
    const running = this.#connectors.get(name);
    if (!running) return;
    this.#connectors.delete(name);
    try {
      await running.instance?.stop();
    } catch (error) {
      this.#log.warn({ err: error, connector: name }, 'connector stop failed');
    }
  }

  async startTask(
    name: string,
    task: number,
    taskConfig: Record<string, string>,
    rawConnectorConfig: Record<string, string>,
    target: TargetState,
  ): Promise<void> {
    const key = taskKey(name, task);
    this.#log.info({ connector: name, task }, 'starting task');
    const running: RunningTask = {
      runner: undefined,
      state: 'UNASSIGNED',
      taskConfig,
      connectorConfig: rawConnectorConfig,
    };
    this.#tasks.set(key, running);
    const plugin = this.#d.plugins.find(rawConnectorConfig['connector.class']);
    const report = (state: ConnectorState, error?: unknown) => this.#reportTask(name, task, state, error);
    let gate: FencingGate | undefined;
    const startAbort = new AbortController();
    if (!plugin) {
      report('FAILED', new Error(`Unknown connector class ${rawConnectorConfig['connector.class']}`));
      return;
    }
    try {
      const { config, client, statuses, metrics } = this.#d;
      const setup: TaskSetup = {
        connector: name,
        taskId: task,
        plugin,
        taskConfig: this.#resolve({ ...rawConnectorConfig, ...taskConfig }, plugin),
        connectorConfig: this.#resolve(rawConnectorConfig, plugin),
        worker: taskWorkerSettings(config),
        client,
        clients: this.#clients,
        logger: this.#log,
        report,
        metrics: metrics.forTask(name, task),
        // Connect's topic tracking: the topics a source produced to or a sink consumed from.
        onTopicUsed: (topic: string) => {
          void statuses.putTopic(name, topic, task).catch(() => {});
        },
      };
      if (plugin.type === 'sink') {
        const threads = this.#threads;
        running.runner = threads
          ? new ThreadedTask({
              pool: threads.pool,
              setup,
              fileStreamAllowedDirs: config.fileStreamAllowedDirs,
              logger: this.#log,
              logLevels: threads.settings.logLevels,
              onLogLevelsChanged: threads.settings.onLogLevelsChanged,
            })
          : sinkTaskRunner(setup);
      } else {
        const { connectorConfig } = setup;
        gate = config.exactlyOnceSource ? this.#d.fencingGate?.(name) : undefined;
        running.offsets = await this.offsetStoreFor(connectorConfig);
        running.runner = new WorkerSourceTask({
          ...commonTaskOptions(setup),
          task: plugin.createTask() as SourceTask,
          offsets: running.offsets,
          offsetFlushIntervalMs: config.offsetFlushIntervalMs,
          // Connect's naming, so the id is stable across restarts and fences older instances.
          transactionalId: config.exactlyOnceSource ? `${config.groupId}-${name}-${task}` : undefined,
          ...(gate ? { fencingGate: gate, startSignal: startAbort.signal } : {}),
          producerOverrides: clientOverrideOptions(connectorConfig, 'producer', config.clientOverridePolicy),
          adminOverrides: clientOverrideOptions(connectorConfig, 'admin', config.clientOverridePolicy),
          // Validated when written; a worker with topic.creation.enable=false creates nothing.
          topicCreation: config.topicCreationEnable ? topicCreationGroups(connectorConfig) : [],
          ...transactionBoundary(connectorConfig),
        });
      }
      const started = running.runner.start(target !== 'STARTED');
      if (gate?.pending()) {
        // Its new task generation awaits the leader's fencing round: the herder goes on meanwhile
        // (the leader may be this worker, or its next rebalance may make it one), as Apache's
        // herder hands a task to its executor. stopTask ends the wait.
        const done = started.catch((error: unknown) => {
          if (startAbort.signal.aborted) return;
          this.#log.error({ err: error, connector: name, task }, 'task failed to start');
          report('FAILED', error);
        });
        running.starting = { done, abort: startAbort };
        return;
      }
      await started;
    } catch (error) {
      this.#log.error({ err: error, connector: name, task }, 'task failed to start');
      report('FAILED', error);
    }
  }

  async stopTask(name: string, task: number): Promise<void> {
    const key = taskKey(name, task);
    const running = this.#tasks.get(key);
    if (!running) return;
    this.#tasks.delete(key);
    this.#log.info({ connector: name, task }, 'stopping task');
    if (running.starting) {
      running.starting.abort.abort();
      await running.starting.done;
    }
    await running.runner
      ?.stop()
      .catch((error: unknown) => this.#log.warn({ err: error }, 'task stop failed'));
    await running.offsets
      ?.close()
      .catch((error: unknown) => this.#log.warn({ err: error }, 'offsets store close failed'));
  }

  /**
   * A source connector's offsets: the worker's offsets topic, or its own `offsets.storage.topic`
   * (created when missing) first with the worker's as fallback. The caller closes it.
   */
  offsetStoreFor(connectorConfig: Record<string, string>): Promise<ConnectorOffsetBackingStore> {
    const { config, client, offsets, logger } = this.#d;
    return connectorOffsetStore({
      worker: offsets,
      connectorTopic: connectorConfig['offsets.storage.topic'],
      client,
      partitions: config.offsetPartitions,
      replicationFactor: config.offsetReplicationFactor,
      logger,
      clients: this.#clients,
    });
  }

  /**
   * Apache's Worker.connectorOffsets: a sink's are its consumer group's committed offsets, a
   * source's are in its offset store.
   */
  connectorOffsets(name: string, config: Record<string, string>): Promise<ConnectorOffsets> {
    return readConnectorOffsets(
      this.#offsetsContext(),
      name,
      config,
      this.#d.plugins.find(config['connector.class']),
    );
  }

  /**
   * Apache's Worker.modifyConnectorOffsets (alter), on a stopped connector (the herder checks):
   * a sink's through its consumer group (modifySinkConnectorOffsets), a source's in its store.
   */
  alterConnectorOffsets(
    name: string,
    config: Record<string, string>,
    offsets: ConnectorOffsets,
  ): Promise<string> {
    return alterConnectorOffsets(
      this.#offsetsContext(),
      name,
      config,
      this.#d.plugins.find(config['connector.class']),
      offsets,
    );
  }

  /** Apache's Worker.modifyConnectorOffsets (reset), on a stopped connector (the herder checks). */
  resetConnectorOffsets(name: string, config: Record<string, string>): Promise<string> {
    return resetConnectorOffsets(
      this.#offsetsContext(),
      name,
      config,
      this.#d.plugins.find(config['connector.class']),
    );
  }

  #offsetsContext(): OffsetsContext {
    return {
      client: this.#d.client,
      clients: this.#clients,
      logger: this.#log,
      // Opened with the config resolved, as the connector's tasks open it.
      sourceOffsets: (config) => this.offsetStoreFor(this.#transformer.resolve(config).config),
    };
  }

  /** Applies a target state change to what this worker runs of the connector. */
  async setTargetState(name: string, target: TargetState): Promise<void> {
    const running = this.#connectors.get(name);
    if (running) {
      if (target === 'STOPPED' && running.state !== 'STOPPED') {
        await running.instance?.stop();
        running.instance = undefined;
        this.#reportConnector(name, 'STOPPED');
        await this.#publishTaskConfigs(name, []);
      } else if (target !== 'STOPPED' && running.state === 'STOPPED') {
        await this.stopConnector(name);
        await this.startConnector(name, running.config, target);
      } else if (running.state !== 'FAILED' && running.state !== 'STOPPED') {
        this.#reportConnector(name, target === 'PAUSED' ? 'PAUSED' : 'RUNNING');
      }
    }
    for (const { connector, task } of this.taskIds()) {
      if (connector !== name) continue;
      const t = this.#tasks.get(taskKey(connector, task));
      if (!t?.runner || t.state === 'FAILED') continue;
      if (target === 'PAUSED') {
        t.runner.pause();
        this.#reportTask(connector, task, 'PAUSED');
      } else if (target === 'STARTED') {
        t.runner.resume();
        this.#reportTask(connector, task, 'RUNNING');
      }
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.taskIds().map(({ connector, task }) => this.stopTask(connector, task)));
    await Promise.all(this.connectorNames().map((name) => this.stopConnector(name)));
  }

  /** When the worker stops for good: stops what runs, then ends the idle task threads. */
  async close(): Promise<void> {
    await this.stopAll();
    await this.#threads?.pool.close();
  }
}

/**
 * A source connector's transaction.boundary (validation refused `connector` and keys a worker
 * without exactly-once sources would ignore); the interval defaults to offset.flush.interval.ms.
 */
function transactionBoundary(connectorConfig: Record<string, string>): {
  transactionBoundary: 'poll' | 'interval';
  transactionIntervalMs?: number;
} {
  const { boundary, intervalMs } = transactionBoundaryOf(connectorConfig);
  if (boundary !== 'poll' && boundary !== 'interval') {
    throw new Error(
      `transaction.boundary=${boundary} is not supported: msa-sync's connectors cannot define transaction boundaries`,
    );
  }
  return {
    transactionBoundary: boundary,
    ...(boundary === 'interval' && intervalMs !== undefined ? { transactionIntervalMs: intervalMs } : {}),
  };
}
