import { Agent, request } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * One order POST over node:http with a keep-alive agent, instead of `fetch`: the load generator
 * shares the machine with the shop it measures, and fetch (undici's WHATWG layer: Request and
 * Response objects, web streams, AbortSignal.timeout) cost about twice the CPU per request.
 * Failures look like fetch's, so callers classify them the same way: a timeout (over the whole
 * exchange, as AbortSignal.timeout) rejects with name `TimeoutError`, anything else with an error
 * whose `cause` is the socket error (with its `code`, e.g. ECONNREFUSED).
 */
export interface OrderResponse {
  status: number;
  text: string;
}

export class OrderClient {
  readonly #agent = new Agent({ keepAlive: true });

  post(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<OrderResponse> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const payload = Buffer.from(body);
      const target = new URL(url);
      const send = target.protocol === 'https:' ? httpsRequest : request;
      const req = send(target, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(payload.length) },
        ...(target.protocol === 'https:' ? {} : { agent: this.#agent }),
      });
      const timer = setTimeout(() => {
        const error = new Error('The operation was aborted due to timeout');
        error.name = 'TimeoutError';
        fail(error);
        req.destroy();
      }, timeoutMs);
      req.on('error', (error) => fail(new TypeError('fetch failed', { cause: error })));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => fail(new TypeError('terminated', { cause: error })));
        res.on('aborted', () => fail(new TypeError('terminated', { cause: new Error('response aborted') })));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
