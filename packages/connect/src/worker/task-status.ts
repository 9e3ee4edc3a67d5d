import type { ConnectorState } from '../herder/types.js';

/** How a running connector or task tells the herder what state it is in. */
export type StatusReporter = (state: ConnectorState, error?: unknown) => void;

/** Connect's `trace`: the Java-ish stack of the failure, with the cause chain. */
export function traceOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(
        depth === 0
          ? (current.stack ?? `${current.name}: ${current.message}`)
          : `Caused by: ${current.stack ?? current.message}`,
      );
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join('\n');
}
