export * from './api/connector.js';
export * from './api/records.js';
export {
  connectUsage,
  type RunningWorker,
  runConnectWorker,
  startConnectWorker,
} from './bin/connect-worker.js';
export * from './errors/connect-error.js';
export { DistributedHerder } from './herder/distributed-herder.js';
export type { Herder } from './herder/herder.js';
export * from './herder/types.js';
export { parseJavaProperties } from './worker/java-properties.js';
export { builtInPlugins, PluginRegistry } from './worker/plugins.js';
export { type WorkerConfig, WorkerConfigError, workerConfig } from './worker/worker-config.js';
