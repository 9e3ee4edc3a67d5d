import type { ConnectorState } from '../entities.js';

/** How a running connector or task tells the herder what state it is in. */
export type StatusReporter = (state: ConnectorState, error?: unknown) => void;

/** The Java classes Connect names for the failures msa-sync raises, by error name. */
const JAVA_CLASS_BY_NAME: Readonly<Record<string, string>> = {
  ConnectException: 'org.apache.kafka.connect.errors.ConnectException',
  ConnectError: 'org.apache.kafka.connect.errors.ConnectException',
  DataError: 'org.apache.kafka.connect.errors.DataException',
  SchemaBuilderError: 'org.apache.kafka.connect.errors.SchemaBuilderException',
  ConfigException: 'org.apache.kafka.common.config.ConfigException',
  TransformConfigError: 'org.apache.kafka.common.config.ConfigException',
};

/** The Java class Connect would name for this error (`__connect.errors.exception.class.name`). */
export function javaExceptionClassOf(error: Error): string {
  return JAVA_CLASS_BY_NAME[error.name] ?? error.name;
}

/**
 * Connect's `trace`: a Java stack trace's shape, so tools that read its first line find an
 * exception class: `<class>: <message>`, the frames as `\tat …`, then `Caused by: …` for each
 * cause. msa-sync's own errors are named by the Java class Connect would throw; any other error at
 * the top is headed as Connect wraps a task's failure (`ConnectException: <name>: <message>`).
 */
export function traceOf(error: unknown): string {
  if (error instanceof ReportedFailure) return error.trace;
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (!(current instanceof Error)) {
      parts.push(depth === 0 ? String(current) : `Caused by: ${String(current)}`);
      break;
    }
    const javaClass = JAVA_CLASS_BY_NAME[current.name];
    const own = `${current.name}: ${current.message}`;
    const heading =
      javaClass !== undefined
        ? `${javaClass}: ${current.message}`
        : depth === 0
          ? `${JAVA_CLASS_BY_NAME.ConnectException}: ${own}`
          : own;
    const frames = (current.stack ?? '')
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .map((line) => `\tat ${line.trim().slice(3)}`);
    parts.push([depth === 0 ? heading : `Caused by: ${heading}`, ...frames].join('\n'));
    current = current.cause;
  }
  return parts.join('\n');
}

/**
 * A failure raised on another thread (a task thread), known here only by the trace it made there
 * with {@link traceOf}; {@link traceOf} gives that trace back unchanged.
 */
export class ReportedFailure extends Error {
  readonly trace: string;

  constructor(trace: string) {
    super(trace.split('\n', 1)[0] ?? trace);
    this.name = 'ReportedFailure';
    this.trace = trace;
  }
}
