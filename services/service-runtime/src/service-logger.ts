import { type DestinationStream, type Logger, pino } from 'pino';

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

const CENSOR = '[hidden]';
/** Secrets hidden one level down, whatever the key above them (`*.password`, `*.pwd`). */
const NESTED_SECRETS = ['password', 'pwd'] as const;

/**
 * Hides `password` and `pwd` in the objects a line carries. Given to pino as a wildcard path
 * (`*.password`), redaction ran on every value of every line, strings and numbers too, and parsed
 * its paths each time (~2 µs of the ~8 µs a request line costs); this looks only at object values,
 * and copies only an object that holds a secret (keeping its prototype, so an Error stays one).
 */
export function hideNestedSecrets(fields: Record<string, unknown>): Record<string, unknown> {
  let out = fields;
  for (const key in fields) {
    const value = fields[key];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    if (!NESTED_SECRETS.some((secret) => Object.hasOwn(value, secret))) continue;
    const copy = copyKeepingPrototype(value);
    for (const secret of NESTED_SECRETS) {
      if (Object.hasOwn(copy, secret))
        Object.defineProperty(copy, secret, { value: CENSOR, enumerable: true, writable: true });
    }
    if (out === fields) out = { ...fields };
    out[key] = copy;
  }
  return out;
}

/**
 * A copy of `value` with its prototype and own properties. Accessors become plain values read from
 * the original: since Node 22 an Error's `stack` is an own accessor that answers only for the
 * error it was captured on, so copying its descriptor would log `stack: undefined`.
 */
function copyKeepingPrototype(value: object): Record<string, unknown> {
  const descriptors = Object.getOwnPropertyDescriptors(value);
  for (const [key, descriptor] of Object.entries(descriptors)) {
    if (descriptor.get === undefined && descriptor.set === undefined) continue;
    descriptors[key] = {
      value: (value as Record<string, unknown>)[key],
      enumerable: descriptor.enumerable,
      writable: true,
      configurable: true,
    };
  }
  return Object.create(Object.getPrototypeOf(value), descriptors) as Record<string, unknown>;
}

/** How late a log line may reach stdout (see {@link batchedStdout}). */
export const LOG_FLUSH_DELAY_MS = 250;

/**
 * stdout written in batches of up to 4 KB, each line at most {@link LOG_FLUSH_DELAY_MS} late.
 * A synchronous write per line (pino's default) cost the gateway 0.15 ms of CPU per order and held
 * its event loop during each write (bench/RESULTS.md). pino flushes what is left synchronously
 * when the process exits, so a crash's last lines are kept; a SIGKILL can lose the last 250 ms.
 */
function batchedStdout(): DestinationStream {
  const stdout = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    try {
      stdout.flush();
    } catch {
      // Destroyed at exit, after pino wrote what was left.
    }
  };
  return {
    write(line: string) {
      stdout.write(line);
      if (scheduled) return;
      scheduled = true;
      setTimeout(flush, LOG_FLUSH_DELAY_MS).unref();
    },
  };
}

/**
 * One JSON line per event on stdout (batched: {@link batchedStdout}), tagged with the service and
 * instance. Request-scoped lines carry `requestId`; secrets that could reach a log line are redacted.
 */
export function serviceLogger(
  service: string,
  instanceId: string,
  level = 'info',
  destination?: DestinationStream,
): Logger {
  const options = {
    level: LEVELS[level.toLowerCase()] ?? 'info',
    base: { service, instance: instanceId },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['headers.authorization', 'password', 'pwd', 'token'], censor: CENSOR },
    // Child bindings (the request id) get the paths above, not this: pino formats them once per child.
    formatters: { log: hideNestedSecrets },
  };
  return pino(options, destination ?? batchedStdout());
}
