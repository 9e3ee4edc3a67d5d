import { type ClientOverridePolicy, clientOverrideOptions } from '../config/client-overrides.js';

/**
 * The settings a sink task's consumer runs with: msa-sync's defaults, then the connector's
 * `consumer.override.*` keys, parsed with their definitions (config/client-overrides.ts). The
 * defaults here are the worker's, not the Java client's that REST validate shows for the keys.
 */

/** Most records handed to one put() when `consumer.override.max.poll.records` is unset. */
export const DEFAULT_SINK_MAX_BATCH = 3000;

/** The consumer options a sink task starts from (@platformatic/kafka names). */
export const SINK_CONSUMER_DEFAULTS: Readonly<Record<string, number>> = Object.freeze({
  maxWaitTime: 500,
  // Smaller per-partition slices keep every partition moving and measured faster than one
  // partition filling the whole fetch (docs/decisions/kafka-client.md).
  maxBytes: 10 * 1024 * 1024,
  maxBytesPerPartition: 1024 * 1024,
  sessionTimeout: 10_000,
  heartbeatInterval: 1000,
  rebalanceTimeout: 30_000,
});

export type SinkIsolationLevel = 'read_committed' | 'read_uncommitted';
export type SinkFallbackMode = 'earliest' | 'latest' | 'fail';

export interface SinkConsumerSettings {
  /** Most records handed to one put(). */
  maxBatch: number;
  /** `consumer.override.isolation.level`; unset keeps the client's default (read_committed). */
  isolationLevel: SinkIsolationLevel | undefined;
  /** `consumer.override.auto.offset.reset`: where a partition without a committed offset starts. */
  fallbackMode: SinkFallbackMode | undefined;
  /** The other overrides, as consumer options to apply over {@link SINK_CONSUMER_DEFAULTS}. */
  consumerOverrides: Record<string, unknown>;
}

/**
 * Parses a sink connector's consumer overrides. A value the definitions refuse, or an override
 * the worker's policy forbids, throws a `ConfigException`: the task fails at start.
 */
export function sinkConsumerSettings(
  connectorConfig: Readonly<Record<string, string>>,
  policy: ClientOverridePolicy,
): SinkConsumerSettings {
  const { maxPollRecords, isolationLevel, fallbackMode, ...overrides } = clientOverrideOptions(
    connectorConfig,
    'consumer',
    policy,
  );
  return {
    maxBatch: typeof maxPollRecords === 'number' ? maxPollRecords : DEFAULT_SINK_MAX_BATCH,
    isolationLevel: isolationLevel as SinkIsolationLevel | undefined,
    fallbackMode: fallbackMode as SinkFallbackMode | undefined,
    consumerOverrides: overrides,
  };
}
