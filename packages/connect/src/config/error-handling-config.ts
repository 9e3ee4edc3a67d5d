import { ConfigDef, type RawConfig } from './config-def.js';
import { validString } from './validators.js';

/**
 * The `errors.*` keys of a connector config (Apache's ConnectorConfig and SinkConnectorConfig):
 * defined here once, for the validate answer and for the worker that runs the tasks.
 */
export const ERRORS_RETRY_TIMEOUT_CONFIG = 'errors.retry.timeout';
export const ERRORS_RETRY_MAX_DELAY_CONFIG = 'errors.retry.delay.max.ms';
export const ERRORS_TOLERANCE_CONFIG = 'errors.tolerance';
export const ERRORS_LOG_ENABLE_CONFIG = 'errors.log.enable';
export const ERRORS_LOG_INCLUDE_MESSAGES_CONFIG = 'errors.log.include.messages';
/** Sink connectors only. */
export const DLQ_TOPIC_NAME_CONFIG = 'errors.deadletterqueue.topic.name';
export const DLQ_TOPIC_REPLICATION_FACTOR_CONFIG = 'errors.deadletterqueue.topic.replication.factor';
export const DLQ_CONTEXT_HEADERS_ENABLE_CONFIG = 'errors.deadletterqueue.context.headers.enable';

export const ERROR_GROUP = 'Error Handling';

const TOLERANCES = ['none', 'all'] as const;
export type ErrorTolerance = (typeof TOLERANCES)[number];

/** What a task's error handling runs with, parsed from its connector config. */
export interface ErrorHandlingConfig {
  tolerance: ErrorTolerance;
  /** 0 never retries, -1 retries without end. */
  retryTimeoutMs: number;
  retryMaxDelayMs: number;
  logEnable: boolean;
  logIncludeMessages: boolean;
  /** Empty: no dead letter queue. */
  dlqTopic: string;
  dlqReplicationFactor: number;
  dlqContextHeaders: boolean;
}

/** Adds the keys every connector has, in Apache's order (orderInGroup 1 to 5 of its group). */
export function defineErrorHandlingKeys(def: ConfigDef): ConfigDef {
  return def
    .define({
      name: ERRORS_RETRY_TIMEOUT_CONFIG,
      type: 'LONG',
      default: 0,
      importance: 'MEDIUM',
      documentation:
        'How long, in milliseconds, a failing operation keeps being retried. 0 means no retry, -1 retries forever.',
      group: ERROR_GROUP,
      orderInGroup: 1,
      width: 'MEDIUM',
      displayName: 'Retry Timeout for Errors',
    })
    .define({
      name: ERRORS_RETRY_MAX_DELAY_CONFIG,
      type: 'LONG',
      default: 60000,
      importance: 'MEDIUM',
      documentation:
        'Longest pause, in milliseconds, between two retries; past it, random jitter spreads retries apart.',
      group: ERROR_GROUP,
      orderInGroup: 2,
      width: 'MEDIUM',
      displayName: 'Maximum Delay Between Retries for Errors',
    })
    .define({
      name: ERRORS_TOLERANCE_CONFIG,
      type: 'STRING',
      default: 'none',
      validator: validString(...TOLERANCES),
      importance: 'MEDIUM',
      documentation: "'none' fails the task on the first bad record; 'all' skips bad records and carries on.",
      group: ERROR_GROUP,
      orderInGroup: 3,
      width: 'SHORT',
      displayName: 'Error Tolerance',
    })
    .define({
      name: ERRORS_LOG_ENABLE_CONFIG,
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: 'Log every error with the operation that failed, tolerated ones included.',
      group: ERROR_GROUP,
      orderInGroup: 4,
      width: 'SHORT',
      displayName: 'Log Errors',
    })
    .define({
      name: ERRORS_LOG_INCLUDE_MESSAGES_CONFIG,
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation:
        'Include the failed record (key, value, headers) in those log lines; off keeps record contents out of ' +
        'the logs, topic and partition are still logged.',
      group: ERROR_GROUP,
      orderInGroup: 5,
      width: 'SHORT',
      displayName: 'Log Error Details',
    });
}

/** Adds the dead letter queue keys sink connectors have (orderInGroup 6 to 8). */
export function defineDeadLetterQueueKeys(def: ConfigDef): ConfigDef {
  return def
    .define({
      name: DLQ_TOPIC_NAME_CONFIG,
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'Topic that receives the records that failed in the connector, a transform or a converter. Empty: no ' +
        'dead letter queue.',
      group: ERROR_GROUP,
      orderInGroup: 6,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Name',
    })
    .define({
      name: DLQ_TOPIC_REPLICATION_FACTOR_CONFIG,
      type: 'SHORT',
      default: 3,
      importance: 'MEDIUM',
      documentation: 'Replication factor the dead letter queue topic is created with when it does not exist.',
      group: ERROR_GROUP,
      orderInGroup: 7,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Replication Factor',
    })
    .define({
      name: DLQ_CONTEXT_HEADERS_ENABLE_CONFIG,
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation:
        'Add headers describing the failure (all named __connect.errors.*) to records sent to the dead letter queue.',
      group: ERROR_GROUP,
      orderInGroup: 8,
      width: 'MEDIUM',
      displayName: 'Enable Error Context Headers',
    });
}

const ERROR_HANDLING_DEF = defineDeadLetterQueueKeys(defineErrorHandlingKeys(new ConfigDef()));

/**
 * The error handling a task runs with. The config was validated when it was written; a value that
 * does not parse now (a config stored by another worker version) throws a `ConfigException` and
 * fails the task. A source config has no dead letter queue keys: their defaults apply.
 */
export function errorHandlingConfig(props: RawConfig): ErrorHandlingConfig {
  const parsed = ERROR_HANDLING_DEF.parse(props);
  const number = (name: string) => parsed.getNumber(name) as number;
  const bool = (name: string) => parsed.getBoolean(name) as boolean;
  return {
    tolerance: parsed.getString(ERRORS_TOLERANCE_CONFIG) as ErrorTolerance,
    retryTimeoutMs: number(ERRORS_RETRY_TIMEOUT_CONFIG),
    retryMaxDelayMs: number(ERRORS_RETRY_MAX_DELAY_CONFIG),
    logEnable: bool(ERRORS_LOG_ENABLE_CONFIG),
    logIncludeMessages: bool(ERRORS_LOG_INCLUDE_MESSAGES_CONFIG),
    dlqTopic: parsed.getString(DLQ_TOPIC_NAME_CONFIG) as string,
    dlqReplicationFactor: number(DLQ_TOPIC_REPLICATION_FACTOR_CONFIG),
    dlqContextHeaders: bool(DLQ_CONTEXT_HEADERS_ENABLE_CONFIG),
  };
}
