// Runtime internals the integration tests under test/ drive directly (a sink task without a
// herder, the backing stores against a real broker). Not for services or the CLI: they use the
// package's other entry points.

export { TOPIC_PLACEHOLDER } from './connectors/jdbc/sink/jdbc-sink-config.js';
export { JdbcSinkTask } from './connectors/jdbc/sink/jdbc-sink-task.js';
export { getLogger } from './logging/index.js';
export { KafkaConfigBackingStore } from './storage/config-store.js';
export { ensureInternalTopics } from './storage/internal-topics.js';
export { KafkaOffsetBackingStore } from './storage/offset-store.js';
export { KafkaStatusBackingStore } from './storage/status-store.js';
export { createRecordConverter } from './worker/converter-setup.js';
export { errorHandlingConfig } from './worker/error-handling.js';
export { WorkerMetrics } from './worker/worker-metrics.js';
export { WorkerSinkTask } from './worker/worker-sink-task.js';
