import type { Logger } from 'pino';
import { normalizeLogLevel } from './log-levels.js';
import { LoggerRegistry } from './logger-registry.js';

export { rememberSecret, scrubKnownSecrets } from './known-secrets.js';
export {
  isValidLogLevel,
  LOG_LEVELS,
  type LogLevel,
  normalizeLogLevel,
  parseLogLevel,
  toPinoLevel,
} from './log-levels.js';
export {
  type LoggerLevel,
  LoggerRegistry,
  type LoggerRegistryOptions,
  ROOT_LOGGER_NAME,
} from './logger-registry.js';
export {
  DEFAULT_SECRET_KEY_PATTERN,
  isSecretKey,
  redactConfig,
  redactJsonLine,
  redactText,
} from './redaction.js';

/**
 * The worker process's registry: one root logger writing JSON lines to stdout, at the level named by
 * `MSA_LOG_LEVEL` (Connect or pino names), INFO when unset or unknown.
 */
export const loggerRegistry = new LoggerRegistry({
  level: normalizeLogLevel(process.env.MSA_LOG_LEVEL ?? '') ?? 'INFO',
});

export const rootLogger: Logger = loggerRegistry.root;

/** A named logger from the process registry, e.g. `getLogger('org.msa.connect.rest')`. */
export function getLogger(namespace: string): Logger {
  return loggerRegistry.getLogger(namespace);
}
