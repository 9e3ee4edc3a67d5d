import type { IncomingMessage } from 'node:http';

/**
 * Answering 413 closes the connection: a client still sending its body would see a broken pipe
 * (EPIPE), not the answer. Servers read what it declared first, up to a bound, then answer.
 */
export const BODY_TOO_LARGE_CODE = 'FST_ERR_CTP_BODY_TOO_LARGE';

/**
 * Reads a request body to its end and throws it away, unless it is larger than `maxBytes` or
 * takes longer than `timeoutMs` (then the connection is closed under the sender, as before).
 */
export function discardBody(raw: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<void> {
  if (raw.complete || raw.destroyed) return Promise.resolve();
  if (Number(raw.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', done);
      raw.off('close', done);
      raw.off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const timer = setTimeout(done, timeoutMs);
    raw.on('data', onData);
    raw.on('end', done);
    raw.on('close', done);
    raw.on('error', done);
    raw.resume();
  });
}
