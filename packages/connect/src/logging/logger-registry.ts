import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { type LogLevel, normalizeLogLevel, parseLogLevel, toPinoLevel } from './log-levels.js';
import { DEFAULT_SECRET_KEY_PATTERN, redactJsonLine } from './redaction.js';

/** One entry of `GET /admin/loggers`, field for field as Connect's `LoggerLevel`. */
export interface LoggerLevel {
  level: string;
  /** Epoch millis of the last change through {@link LoggerRegistry.setLevel}; null if never changed. */
  last_modified: number | null;
}

export interface LoggerRegistryOptions {
  /** Level of the root logger: a Connect/log4j name (`INFO`) or a pino name (`info`). Default INFO. */
  level?: string;
  /** Where lines go (default: stdout). Tests pass a stream to read them back. */
  destination?: DestinationStream;
  /** Extra pino options for the root logger (`base`, `timestamp`, ...). */
  pinoOptions?: Omit<LoggerOptions, 'level' | 'hooks'>;
  /** Keys whose values never reach a log line in clear. */
  secretKeyPattern?: RegExp;
  /** Binding that names the logger on each line. Default `logger`. */
  namespaceKey?: string;
  /** Clock for `last_modified`. */
  now?: () => number;
}

/** The root logger's name in Connect's REST API; log4j2's own root name is the empty string. */
export const ROOT_LOGGER_NAME = 'root';

function isRootName(name: string): boolean {
  return name === '' || name.toLowerCase() === ROOT_LOGGER_NAME;
}

/** `a.b.c` → `a.b` → `a`: log4j's hierarchy, which new loggers inherit their level from. */
function parentOf(namespace: string): string | undefined {
  const dot = namespace.lastIndexOf('.');
  return dot > 0 ? namespace.slice(0, dot) : undefined;
}

/**
 * Named pino loggers whose levels change at run time, the way Connect's `Loggers` drives log4j2:
 * `setLevel(ns)` gives `ns` and every known logger under it that level; a logger created later
 * inherits from its nearest dotted ancestor that has one, else from the root.
 */
export class LoggerRegistry {
  readonly root: Logger;
  readonly #children = new Map<string, Logger>();
  /** Levels set on a namespace (explicitly or by a parent's `setLevel`). */
  readonly #levels = new Map<string, LogLevel>();
  readonly #lastModified = new Map<string, number>();
  readonly #namespaceKey: string;
  readonly #now: () => number;
  readonly #listeners = new Set<() => void>();
  #rootLevel: LogLevel;

  constructor(options: LoggerRegistryOptions = {}) {
    const rootLevel = options.level === undefined ? 'INFO' : normalizeLogLevel(options.level);
    if (rootLevel === undefined) throw new Error(`Unknown log level '${options.level}'`);
    this.#rootLevel = rootLevel;
    this.#namespaceKey = options.namespaceKey ?? 'logger';
    this.#now = options.now ?? Date.now;
    const secretKeys = new RegExp(
      (options.secretKeyPattern ?? DEFAULT_SECRET_KEY_PATTERN).source,
      (options.secretKeyPattern ?? DEFAULT_SECRET_KEY_PATTERN).flags.replace('g', ''),
    );
    const pinoOptions: LoggerOptions = {
      ...options.pinoOptions,
      level: toPinoLevel(rootLevel),
      hooks: { streamWrite: (line) => redactJsonLine(line, secretKeys) },
    };
    this.root = options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
  }

  /** The logger for a namespace (`org.msa.connect.worker`, `jdbc-sink`...), created on first use. */
  getLogger(namespace: string): Logger {
    if (isRootName(namespace)) return this.root;
    let child = this.#children.get(namespace);
    if (!child) {
      child = this.root.child({ [this.#namespaceKey]: namespace });
      child.level = toPinoLevel(this.effectiveLevel(namespace));
      this.#children.set(namespace, child);
    }
    return child;
  }

  /** The level a namespace logs at: its own, else its nearest ancestor's, else the root's. */
  effectiveLevel(namespace: string): LogLevel {
    if (isRootName(namespace)) return this.#rootLevel;
    for (let ns: string | undefined = namespace; ns !== undefined; ns = parentOf(ns)) {
      const level = this.#levels.get(ns);
      if (level) return level;
    }
    return this.#rootLevel;
  }

  /** Connect's `GET /admin/loggers/{name}`: undefined for a logger nobody created or configured. */
  level(name: string): LoggerLevel | undefined {
    if (isRootName(name)) return this.#entry(ROOT_LOGGER_NAME);
    if (!this.#known().has(name)) return undefined;
    return this.#entry(name);
  }

  /**
   * Connect's `GET /admin/loggers`: every known logger with its level, sorted by name. Like Connect,
   * loggers at `OFF` are left out.
   */
  allLevels(): Record<string, LoggerLevel> {
    const names = [...this.#known(), ROOT_LOGGER_NAME].sort();
    const out: Record<string, LoggerLevel> = {};
    for (const name of names) {
      const entry = this.#entry(name);
      if (entry.level !== 'OFF') out[name] = entry;
    }
    return out;
  }

  /**
   * Connect's `PUT /admin/loggers/{namespace}` (worker scope): sets the level on the namespace and
   * on every known logger whose name starts with it (`root` means all of them), and returns the
   * sorted names whose level actually changed.
   */
  setLevel(namespace: string, level: string): string[] {
    const parsed = parseLogLevel(level);
    if (parsed === undefined) throw new Error(`Unknown log level '${level}'`);
    const known = this.#known();
    const before = new Map<string, LogLevel | undefined>();
    for (const name of [...known, ROOT_LOGGER_NAME]) before.set(name, this.effectiveLevel(name));

    let targets: string[];
    if (isRootName(namespace)) {
      this.#rootLevel = parsed;
      targets = [ROOT_LOGGER_NAME, ...known];
    } else {
      targets = [...known].filter((name) => name.startsWith(namespace));
      if (!known.has(namespace)) {
        targets.push(namespace);
        before.set(namespace, undefined); // a logger created now counts as changed, as in Connect
      }
    }
    for (const name of targets) if (name !== ROOT_LOGGER_NAME) this.#levels.set(name, parsed);

    const changed: string[] = [];
    const now = this.#now();
    for (const name of targets) {
      if (before.get(name) !== this.effectiveLevel(name)) {
        changed.push(name);
        this.#lastModified.set(name, now);
      }
    }
    this.#applyLevels();
    for (const listener of this.#listeners) listener();
    return changed.sort();
  }

  /** Calls `listener` after every setLevel (task threads follow the worker's levels); returns its removal. */
  onLevelsChanged(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #known(): Set<string> {
    return new Set([...this.#children.keys(), ...this.#levels.keys()]);
  }

  #entry(name: string): LoggerLevel {
    return { level: this.effectiveLevel(name), last_modified: this.#lastModified.get(name) ?? null };
  }

  #applyLevels(): void {
    this.root.level = toPinoLevel(this.#rootLevel);
    for (const [namespace, child] of this.#children) {
      child.level = toPinoLevel(this.effectiveLevel(namespace));
    }
  }
}
