import { type Logger, pino } from 'pino';

const LEVELS: Record<string, string> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  off: 'silent',
  silent: 'silent',
};

/**
 * One JSON line per event on stdout, tagged with the service and instance. Request-scoped lines
 * carry `requestId`; secrets that could reach a log line are redacted.
 */
export function serviceLogger(service: string, instanceId: string, level = 'info'): Logger {
  return pino({
    level: LEVELS[level.toLowerCase()] ?? 'info',
    base: { service, instance: instanceId },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['headers.authorization', 'password', 'pwd', '*.password', '*.pwd', 'token'],
      censor: '[hidden]',
    },
  });
}
