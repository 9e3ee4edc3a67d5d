/**
 * Turns a client failure into one sentence an operator can act on. The client wraps network
 * failures in nested aggregate errors; we look through them for the root cause.
 */
export function describeKafkaError(error: unknown, bootstrapServers: readonly string[]): string {
  const messages = collectMessages(error);
  const where = bootstrapServers.join(',');
  if (
    messages.some((m) => /cannot connect|ECONNREFUSED|connect.*timed? ?out|ETIMEDOUT|EHOSTUNREACH/i.test(m))
  ) {
    return (
      `Cannot reach Kafka at ${where}: no broker answered. ` +
      'Start one with `npm start` (or `msa-sync up`), or point KAFKA_BOOTSTRAP_SERVERS / --bootstrap-server at a running cluster.'
    );
  }
  const detail = messages.find((m) => !/failed \d+ times/.test(m)) ?? messages[0] ?? String(error);
  return `Kafka request to ${where} failed: ${detail}`;
}

/** True when the failure is "nobody listens there", as opposed to a broker that answered with an error. */
export function isBrokerUnreachable(error: unknown): boolean {
  return collectMessages(error).some((m) => /cannot connect|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH/i.test(m));
}

function collectMessages(error: unknown, depth = 0): string[] {
  if (depth > 5 || error === null || typeof error !== 'object') return error ? [String(error)] : [];
  const e = error as { message?: unknown; errors?: unknown; cause?: unknown; code?: unknown };
  const own = typeof e.message === 'string' ? [e.message] : [];
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) own.push(e.code);
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => collectMessages(x, depth + 1)) : [];
  const cause = e.cause ? collectMessages(e.cause, depth + 1) : [];
  return [...own, ...nested, ...cause];
}

/**
 * True when the broker answered with this protocol error (`GROUP_ID_NOT_FOUND`, ...) anywhere in
 * the client's nested errors: by the protocol id the client attaches, never by message text.
 */
export function hasProtocolError(error: unknown, id: string, depth = 0): boolean {
  if (depth > 6 || error === null || typeof error !== 'object') return false;
  const e = error as { apiId?: unknown; errors?: unknown; cause?: unknown };
  if (e.apiId === id) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => hasProtocolError(x, id, depth + 1))) return true;
  if (e.errors && typeof e.errors === 'object' && !Array.isArray(e.errors)) {
    if (Object.values(e.errors).some((x) => hasProtocolError(x, id, depth + 1))) return true;
  }
  return hasProtocolError(e.cause, id, depth + 1);
}
