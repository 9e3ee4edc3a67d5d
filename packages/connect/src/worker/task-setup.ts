import type { ClientSettings, KafkaClients } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { ConnectorPlugin, SinkTask } from '../api/connector.js';
import { clientOverrideOptions } from '../config/client-overrides.js';
import { prefixedProps, sinkSubscriptionOf } from '../config/connector-config.js';
import { buildTransformationChain } from '../transforms/transformation-chain.js';
import { createRecordConverter } from './converter-setup.js';
import { errorHandlingConfig } from './error-handling.js';
import { sinkConsumerSettings } from './sink-consumer-config.js';
import type { StatusReporter } from './task-status.js';
import type { WorkerConfig } from './worker-config.js';
import type { TaskMetrics } from './worker-metrics.js';
import { WorkerSinkTask } from './worker-sink-task.js';

// How a task runner is assembled from its configs: the same steps whether the task runs on the
// worker's event loop or on a thread of its own (task-thread.ts), so the two cannot drift apart.

/** What of the worker's config a task needs; plain data, so it can be sent to a task thread. */
export type TaskWorkerSettings = Pick<
  WorkerConfig,
  | 'keyConverter'
  | 'keyConverterConfig'
  | 'valueConverter'
  | 'valueConverterConfig'
  | 'offsetFlushIntervalMs'
  | 'clientOverridePolicy'
>;

export function taskWorkerSettings(config: WorkerConfig): TaskWorkerSettings {
  const { keyConverter, keyConverterConfig, valueConverter, valueConverterConfig } = config;
  const { offsetFlushIntervalMs, clientOverridePolicy } = config;
  return {
    keyConverter,
    keyConverterConfig,
    valueConverter,
    valueConverterConfig,
    offsetFlushIntervalMs,
    clientOverridePolicy,
  };
}

export interface TaskSetup {
  connector: string;
  taskId: number;
  plugin: ConnectorPlugin;
  /** The connector's config merged with the task's, provider references resolved. */
  taskConfig: Record<string, string>;
  /** The connector's config, provider references resolved. */
  connectorConfig: Record<string, string>;
  worker: TaskWorkerSettings;
  client: ClientSettings;
  clients: KafkaClients;
  logger: Logger;
  report: StatusReporter;
  metrics: TaskMetrics;
  onTopicUsed: (topic: string) => void;
}

/** What every task runner takes: converters, error handling and transforms built from the configs. */
export function commonTaskOptions(setup: TaskSetup) {
  const { connectorConfig, worker, plugin } = setup;
  const converter = (kind: 'key' | 'value') =>
    createRecordConverter(
      connectorConfig[`${kind}.converter`] ?? (kind === 'key' ? worker.keyConverter : worker.valueConverter),
      connectorConfig[`${kind}.converter`]
        ? prefixedProps(connectorConfig, `${kind}.converter.`)
        : kind === 'key'
          ? worker.keyConverterConfig
          : worker.valueConverterConfig,
      kind === 'key',
    );
  return {
    connector: setup.connector,
    taskId: setup.taskId,
    taskConfig: setup.taskConfig,
    client: {
      ...setup.client,
      clientId: `connector-${plugin.type === 'sink' ? 'consumer' : 'producer'}`,
    },
    clients: setup.clients,
    keyConverter: converter('key'),
    valueConverter: converter('value'),
    errors: errorHandlingConfig(connectorConfig),
    // Built as the task starts, as in Connect: a config that fails here fails the task.
    transformations: buildTransformationChain(connectorConfig),
    logger: setup.logger,
    report: setup.report,
    metrics: setup.metrics,
    onTopicUsed: setup.onTopicUsed,
  };
}

/** A sink task's runner: its consumer group member, delivery and offset commits (worker-sink-task.ts). */
export function sinkTaskRunner(setup: TaskSetup): WorkerSinkTask {
  const { connectorConfig, worker } = setup;
  const consumer = sinkConsumerSettings(connectorConfig, worker.clientOverridePolicy);
  const { topics, topicsRegex } = sinkSubscriptionOf(connectorConfig);
  return new WorkerSinkTask({
    ...commonTaskOptions(setup),
    task: setup.plugin.createTask() as SinkTask,
    topics,
    topicsRegex,
    offsetCommitIntervalMs: worker.offsetFlushIntervalMs,
    maxBatch: consumer.maxBatch,
    isolationLevel: consumer.isolationLevel,
    ...(consumer.fallbackMode === undefined ? {} : { fallbackMode: consumer.fallbackMode }),
    consumerOverrides: consumer.consumerOverrides,
    producerOverrides: clientOverrideOptions(connectorConfig, 'producer', worker.clientOverridePolicy),
    adminOverrides: clientOverrideOptions(connectorConfig, 'admin', worker.clientOverridePolicy),
  });
}
