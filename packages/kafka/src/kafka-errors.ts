/**
 * Error codes that mean no broker could be reached: the client's own network and timeout errors,
 * and the socket errors under them.
 */
const UNREACHABLE_CODES = new Set([
  'PLT_KFK_NETWORK',
  'PLT_KFK_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Turns a client failure into one sentence an operator can act on. The client wraps network
 * failures in nested aggregate errors; they are told apart by the codes the client and Node
 * attach, never by message text; the message only goes into the sentence.
 */
export function describeKafkaError(error: unknown, bootstrapServers: readonly string[]): string {
  const where = bootstrapServers.join(',');
  const found = collectErrors(error);
  if (found.some((e) => typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code))) {
    return unreachableKafkaMessage(where);
  }
  const messages = found.flatMap((e) => (typeof e.message === 'string' ? [e.message] : []));
  // The innermost message says most; the client's "failed N times" wrappers say least.
  const detail = messages.at(-1) ?? String(error);
  return `Kafka request to ${where} failed: ${detail}`;
}

/** What to tell an operator when no broker answered at `where`. */
export function unreachableKafkaMessage(where: string): string {
  return (
    `Cannot reach Kafka at ${where}: no broker answered. ` +
    'Start one with `npm start` (or `msa-sync up`), or point KAFKA_BOOTSTRAP_SERVERS / --bootstrap-server at a running cluster.'
  );
}

/**
 * The error and those nested in it, outermost first: the client nests them in `errors` (an array,
 * or an object by name) and `cause`.
 */
function collectErrors(error: unknown, depth = 0): { message?: unknown; code?: unknown; apiId?: unknown }[] {
  if (depth > 6 || error === null || typeof error !== 'object')
    return error ? [{ message: String(error) }] : [];
  const e = error as {
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
    code?: unknown;
    apiId?: unknown;
  };
  const inner = Array.isArray(e.errors)
    ? e.errors
    : e.errors && typeof e.errors === 'object'
      ? Object.values(e.errors)
      : [];
  const nested = inner.flatMap((x) => collectErrors(x, depth + 1));
  const cause = e.cause ? collectErrors(e.cause, depth + 1) : [];
  return [e, ...nested, ...cause];
}

/**
 * True when the broker answered with this protocol error (`GROUP_ID_NOT_FOUND`, ...) anywhere in
 * the client's nested errors: by the protocol id the client attaches, never by message text.
 */
export function hasProtocolError(error: unknown, id: string): boolean {
  return collectErrors(error).some((e) => e.apiId === id);
}

/**
 * The distinct protocol errors (`NOT_COORDINATOR`, ...) and client codes (`PLT_KFK_TIMEOUT`, ...)
 * nested in a client error, for a log line: "joinGroup failed 4 times." alone does not say why.
 */
export function nestedErrorIds(error: unknown): string[] {
  const ids = collectErrors(error).flatMap((e) =>
    typeof e.apiId === 'string'
      ? [e.apiId]
      : typeof e.code === 'string' && e.code !== 'PLT_KFK_MULTIPLE' && e.code !== 'PLT_KFK_RESPONSE'
        ? [e.code]
        : [],
  );
  return [...new Set(ids)];
}

/**
 * Kafka protocol error codes (the protocol's numbers, as Apache's `Errors` enum) the worker's
 * group member reacts to, for the raw group requests whose responses carry only the number.
 */
export const KafkaErrorCodes = {
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  MEMBER_ID_REQUIRED: 79,
} as const;

/** The Kafka error code inside a client error, if it carries one. */
export function kafkaErrorCode(error: unknown): number | undefined {
  const e = error as {
    kafkaCode?: number;
    response?: { errorCode?: number };
    errors?: { apiCode?: number }[];
  };
  if (typeof e?.kafkaCode === 'number') return e.kafkaCode;
  if (typeof e?.response?.errorCode === 'number' && e.response.errorCode !== 0) return e.response.errorCode;
  const nested = e?.errors?.find((x) => typeof x?.apiCode === 'number');
  return nested?.apiCode;
}
