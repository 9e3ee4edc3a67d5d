import type { LevelWithSilent } from 'pino';

/**
 * Level names as Connect's `/admin/loggers` speaks them (log4j2's standard levels), and the pino
 * level each one runs as. `OFF` silences a logger; `ALL` lets everything through.
 */
export const LOG_LEVELS = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

const pinoLevelByLogLevel: Record<LogLevel, LevelWithSilent> = {
  OFF: 'silent',
  FATAL: 'fatal',
  ERROR: 'error',
  WARN: 'warn',
  INFO: 'info',
  DEBUG: 'debug',
  TRACE: 'trace',
  ALL: 'trace',
};

const logLevelByPinoLevel: Record<LevelWithSilent, LogLevel> = {
  silent: 'OFF',
  fatal: 'FATAL',
  error: 'ERROR',
  warn: 'WARN',
  info: 'INFO',
  debug: 'DEBUG',
  trace: 'TRACE',
};

/** Case-insensitive, as log4j2's `Level.getLevel` is in the Kafka versions Connect 4.x ships with. */
export function parseLogLevel(name: string): LogLevel | undefined {
  const upper = name.trim().toUpperCase();
  return (LOG_LEVELS as readonly string[]).includes(upper) ? (upper as LogLevel) : undefined;
}

export function isValidLogLevel(name: string): boolean {
  return parseLogLevel(name) !== undefined;
}

export function toPinoLevel(level: LogLevel): LevelWithSilent {
  return pinoLevelByLogLevel[level];
}

/** Accepts a Connect/log4j name (any case) or a pino name; `undefined` when it is neither. */
export function normalizeLogLevel(name: string): LogLevel | undefined {
  const lower = name.trim().toLowerCase();
  if (lower in logLevelByPinoLevel) return logLevelByPinoLevel[lower as LevelWithSilent];
  return parseLogLevel(name);
}
