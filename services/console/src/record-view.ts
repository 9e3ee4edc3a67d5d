import type { RawRecord } from '@msa-sync/cli/kafka';

/** A payload as the browser shows it: text, the parsed JSON (a Connect envelope split), or bytes. */
export interface PayloadView {
  /** 'json' when the bytes parse as JSON, 'text' for other UTF-8, 'binary' otherwise; null when absent. */
  kind: 'json' | 'text' | 'binary' | 'null';
  text: string | null;
  /** The Connect JsonConverter envelope `{schema, payload}`, split when the value is one. */
  schema?: unknown;
  payload?: unknown;
  json?: unknown;
  size: number;
}

export interface DeadLetterContext {
  /** Where the failed record came from. */
  topic?: string;
  partition?: string;
  offset?: string;
  connector?: string;
  task?: string;
  stage?: string;
  className?: string;
  exceptionClass?: string;
  message?: string;
  stacktrace?: string;
  /** Other `__connect.errors.*` headers (e.g. the JDBC sink's table and SQL state), by the rest of their name. */
  extra: Record<string, string>;
}

export interface RecordView {
  partition: number;
  offset: string;
  timestamp: string;
  key: PayloadView;
  value: PayloadView;
  headers: { key: string; value: string; binary: boolean }[];
  deadLetter?: DeadLetterContext;
}

const PREFIX = '__connect.errors.';
const KNOWN: Record<string, keyof Omit<DeadLetterContext, 'extra'>> = {
  topic: 'topic',
  partition: 'partition',
  offset: 'offset',
  'connector.name': 'connector',
  'task.id': 'task',
  stage: 'stage',
  'class.name': 'className',
  'exception.class.name': 'exceptionClass',
  'exception.message': 'message',
  'exception.stacktrace': 'stacktrace',
};

/** Readable text of bytes, or undefined when they are not valid UTF-8. */
function utf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export function payloadView(bytes: Buffer | undefined | null, maxChars = 64 * 1024): PayloadView {
  if (bytes === undefined || bytes === null) return { kind: 'null', text: null, size: 0 };
  const text = utf8(bytes);
  if (text === undefined) {
    const hex = bytes.subarray(0, 512).toString('hex');
    return { kind: 'binary', text: hex + (bytes.length > 512 ? '…' : ''), size: bytes.length };
  }
  const shown = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  try {
    const json: unknown = JSON.parse(text);
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
      const o = json as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 2 && 'schema' in o && 'payload' in o) {
        return { kind: 'json', text: shown, json, schema: o.schema, payload: o.payload, size: bytes.length };
      }
    }
    return { kind: 'json', text: shown, json, size: bytes.length };
  } catch {
    return { kind: 'text', text: shown, size: bytes.length };
  }
}

/** The `__connect.errors.*` headers a dead letter queue record carries, decoded; undefined when none. */
export function deadLetterContext(headers: Iterable<[string, Buffer]>): DeadLetterContext | undefined {
  let found = false;
  const context: DeadLetterContext = { extra: {} };
  for (const [key, value] of headers) {
    if (!key.startsWith(PREFIX)) continue;
    found = true;
    const rest = key.slice(PREFIX.length);
    const text = utf8(value) ?? value.toString('hex');
    const field = KNOWN[rest];
    if (field) context[field] = text;
    else context.extra[rest] = text;
  }
  return found ? context : undefined;
}

export function recordView(record: RawRecord): RecordView {
  const headers = [...record.headers].map(([key, value]) => {
    const text = utf8(value);
    return { key, value: text ?? value.toString('hex'), binary: text === undefined };
  });
  const deadLetter = deadLetterContext(record.headers);
  return {
    partition: record.partition,
    offset: record.offset.toString(),
    timestamp: record.timestamp.toString(),
    key: payloadView(record.key),
    value: payloadView(record.value),
    headers,
    ...(deadLetter ? { deadLetter } : {}),
  };
}
