import { isAbsolute, resolve } from 'node:path';
import { ConfigDef } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import {
  parseWorkerProperties,
  type WorkerConfig,
  WorkerConfigError,
  workerConfig,
} from './worker-config.js';

/** A standalone worker's settings: the common worker keys plus where source offsets are kept. */
export interface StandaloneWorkerConfig extends WorkerConfig {
  /** `offset.storage.file.filename`, made absolute against the working directory. */
  offsetFile: string;
}

/**
 * Keys only Apache's DistributedConfig defines. Apache's standalone worker logs them as unused and
 * goes on; msa-sync refuses them, so nobody believes a group, internal topics or exactly-once
 * sources are in force when they are not.
 */
const DISTRIBUTED_ONLY = new Set([
  'group.id',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'rebalance.timeout.ms',
  'worker.sync.timeout.ms',
  'worker.unsync.backoff.ms',
  'config.storage.topic',
  'config.storage.replication.factor',
  'offset.storage.topic',
  'offset.storage.partitions',
  'offset.storage.replication.factor',
  'status.storage.topic',
  'status.storage.partitions',
  'status.storage.replication.factor',
  'connect.protocol',
  'scheduled.rebalance.max.delay.ms',
  'exactly.once.source.support',
]);
const DISTRIBUTED_ONLY_PREFIXES = ['inter.worker.'];

export const OFFSET_STORAGE_FILE_FILENAME_CONFIG = 'offset.storage.file.filename';

/** Apache's StandaloneConfig adds one key to the worker's; the worker's own are in workerConfigDef(). */
export function standaloneConfigDef(): ConfigDef {
  return new ConfigDef().define({
    name: OFFSET_STORAGE_FILE_FILENAME_CONFIG,
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      'The file a standalone worker keeps source offsets in (relative: to the working directory).',
  });
}

const STANDALONE_CONFIG_DEF = standaloneConfigDef();

export function standaloneWorkerConfig(
  props: Map<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): StandaloneWorkerConfig {
  const refused = [...props.keys()].filter(
    (key) => DISTRIBUTED_ONLY.has(key) || DISTRIBUTED_ONLY_PREFIXES.some((p) => key.startsWith(p)),
  );
  if (refused.length > 0) {
    throw new WorkerConfigError(
      `${refused.join(', ')}: distributed-mode setting${refused.length > 1 ? 's' : ''} a standalone worker does not use ` +
        '(it keeps connector configs and statuses in memory and source offsets in offset.storage.file.filename, ' +
        'and has no exactly-once source support). Remove them, or run connect-distributed.sh with this file.',
    );
  }
  const file = parseWorkerProperties(STANDALONE_CONFIG_DEF, props).getString(
    OFFSET_STORAGE_FILE_FILENAME_CONFIG,
  );
  // Apache would take an empty name and fail on the file; refused here with the missing-key message.
  if (!file)
    throw new WorkerConfigError(ConfigException.missing(OFFSET_STORAGE_FILE_FILENAME_CONFIG).message);
  const base = workerConfig(props, env);
  return {
    ...base,
    // As Apache's standalone worker: no transactions; offsets are flushed every interval.
    exactlyOnceSource: false,
    offsetFile: isAbsolute(file) ? file : resolve(file),
  };
}
