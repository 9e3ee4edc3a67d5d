export * from './api/connect-exception.js';
export * from './api/connector.js';
export * from './api/records.js';
export { builtInPlugins } from './bin/built-in-plugins.js';
export {
  type RunningStandaloneWorker,
  runStandaloneWorker,
  startStandaloneWorker,
} from './bin/connect-standalone.js';
export { type RunningWorker, runConnectWorker, startConnectWorker } from './bin/connect-worker.js';
export { connectUsage } from './bin/worker-process.js';
export * from './entities.js';
export * from './errors/connect-error.js';
export { DistributedHerder } from './herder/distributed-herder.js';
export type { Herder } from './herder/herder.js';
export { StandaloneHerder } from './herder/standalone-herder.js';
export { parseJavaProperties } from './worker/java-properties.js';
export { PluginRegistry } from './worker/plugins.js';
export { type WorkerConfig, WorkerConfigError, workerConfig } from './worker/worker-config.js';
