/**
 * Keeps record content out of error texts. Some failures quote the value that caused them, in
 * Kafka's own words (Cast: `For input string: "4111 1111 1111 1111"`, TimestampConverter:
 * `Could not parse timestamp: value (…)`, TimestampRouter prints the whole record). Their messages
 * stay Kafka's, so the compatibility tests compare them as they are; the error also carries the
 * same text with the quoted content masked, and the worker swaps that in before the error reaches a
 * task trace, a REST answer, a log line or a DLQ header (errors.log.include.messages=true lets the
 * error reporter's own log line keep it, as it keeps the record itself).
 */

/** What stands where record content was; the same mark the SQL error masking uses. */
export const MASKED_CONTENT = '[masked]';

const maskedMessage = Symbol('maskedMessage');

/** A message as Kafka words it and the same message with the record content masked. */
export interface ContentMessage {
  readonly text: string;
  readonly masked: string;
}

/** A part of a {@link contentMessage} that is not record content (a configured pattern, a class name). */
export class NotContent {
  constructor(readonly text: string) {}
}

/**
 * Tag for a message whose `${…}` parts are record content but for those wrapped in
 * {@link NotContent}: `contentMessage\`For input string: "${text}"\``.
 */
export function contentMessage(strings: TemplateStringsArray, ...parts: unknown[]): ContentMessage {
  let text = strings[0] ?? '';
  let masked = text;
  parts.forEach((part, i) => {
    const after = strings[i + 1] ?? '';
    const plain = part instanceof NotContent;
    text += (plain ? part.text : String(part)) + after;
    masked += (plain ? part.text : MASKED_CONTENT) + after;
  });
  return { text, masked };
}

/** Remembers on `error` (whose message is `message.text`) how to mask it; returns the error. */
export function quotingContent<E extends Error>(error: E, message: ContentMessage): E {
  Object.defineProperty(error, maskedMessage, { value: message.masked, configurable: true });
  return error;
}

/**
 * Masks, in place, the record content the error and its causes quote: the message and the
 * stack's header line. Errors that quote nothing are left as they are; masking twice is harmless.
 */
export function maskRecordContent<E>(error: E): E {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    const masked = (current as { [maskedMessage]?: string })[maskedMessage];
    if (masked !== undefined && current.message !== masked) {
      const before = current.message;
      current.message = masked;
      // V8 writes the stack's first line when the error is made: the message is in it once.
      if (typeof current.stack === 'string') current.stack = current.stack.replace(before, () => masked);
    }
    current = current.cause;
  }
  return error;
}
