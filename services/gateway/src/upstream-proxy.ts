import type { IncomingHttpHeaders } from 'node:http';
import { ServiceError } from '@msa-sync/service-runtime';
import { Agent, type Dispatcher } from 'undici';
import type { Instance, ServiceRegistry } from './service-registry.js';

/** Methods that change nothing on the server: the only ones retried after a request was sent. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

const DEFAULT_DEADLINE_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  // The gateway has read the whole body already; undici refuses to send it on.
  'expect',
]);

/** undici's errors for an instance that went silent after the request was sent. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export interface ForwardRequest {
  service: string;
  method: string;
  /** Path below the service prefix, with its query string (`/abc/orders?x=1`). */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer | undefined;
  requestId: string;
  /** Set on the forwarded request (x-forwarded-*). */
  forwarded: { for: string; host: string; proto: string; prefix: string };
}

export interface ForwardResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  instance: Instance;
  attempts: number;
}

/**
 * How one attempt failed: before a connection existed (nothing sent), after (exchange), without
 * an answer in time, or with an answer larger than the gateway passes on.
 */
export type AttemptFailure = { phase: 'connect' | 'exchange' | 'timeout' | 'too-large'; error: Error };

/**
 * May a failed attempt be repeated on another instance? A connection that was never made carried
 * no request, so any method may go elsewhere. Once the request may have reached an instance
 * (connection reset, no answer), only GET and HEAD are repeated — and a request carrying an
 * `Idempotency-Key`, whose repetition the service recognises and answers with the first answer
 * (order-service places such an order once however often it is sent). Any other POST could have
 * been applied. Timeouts and oversized answers are never retried (the instance may still be
 * working on it; another would answer as much).
 */
export function mayRetry(method: string, failure: AttemptFailure, idempotencyKey = false): boolean {
  if (failure.phase === 'connect') return true;
  if (failure.phase === 'exchange') return SAFE_METHODS.has(method) || idempotencyKey;
  return false;
}

export interface ProxySettings {
  /** Attempts per request at most (each on another instance). */
  maxAttempts: number;
  /** Longest silence of an instance within one attempt. */
  timeoutMs: number;
  /** Longest time for the whole request, all attempts together (504 after). */
  deadlineMs?: number;
  /** Largest answer body passed on (502 UPSTREAM_TOO_LARGE above it). */
  maxResponseBytes?: number;
  onAttempt?: (service: string, outcome: 'ok' | AttemptFailure['phase'], retried: boolean) => void;
}

/**
 * Forwards one request to an instance chosen round robin by the registry, buffering the body so
 * an attempt can be repeated on the next instance under `mayRetry`'s rule.
 */
export class UpstreamProxy {
  readonly #registry: ServiceRegistry;
  readonly #settings: ProxySettings;
  /**
   * undici's Agent: a Pool of keep-alive connections per instance origin, dropped once its
   * connections are gone. Against node:http's ClientRequest it spends far less CPU per request
   * (no per-request URL parsing, socket listeners or header objects; see bench/RESULTS.md,
   * 2026-12-07). The silence limit is its connect, headers and body timeouts (undici keeps
   * timers over 1 s on a coarse clock: they fire up to about half a second late).
   */
  readonly #agent: Agent;

  constructor(registry: ServiceRegistry, settings: ProxySettings) {
    this.#registry = registry;
    this.#settings = settings;
    this.#agent = new Agent({
      connections: 128,
      connectTimeout: settings.timeoutMs,
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
    });
  }

  async forward(request: ForwardRequest): Promise<ForwardResponse> {
    const tried = new Set<string>();
    let lastFailure: AttemptFailure | undefined;
    const deadline = Date.now() + (this.#settings.deadlineMs ?? DEFAULT_DEADLINE_MS);
    const keyed = request.headers['idempotency-key'] !== undefined;
    for (let attempt = 1; attempt <= this.#settings.maxAttempts; attempt++) {
      if (attempt > 1 && Date.now() >= deadline) break;
      const instance = this.#registry.next(request.service, tried);
      if (!instance) break;
      tried.add(instance.instanceId);
      try {
        const response = await this.#attempt(instance, request, deadline);
        this.#registry.markSucceeded(instance.instanceId);
        this.#settings.onAttempt?.(request.service, 'ok', attempt > 1);
        return { ...response, instance, attempts: attempt };
      } catch (error) {
        const failure = error as AttemptFailure;
        lastFailure = failure;
        // A refused or broken connection says the instance is unwell: route around it for a while.
        if (failure.phase === 'connect' || failure.phase === 'exchange')
          this.#registry.markFailed(instance.instanceId);
        const retry = mayRetry(request.method, failure, keyed);
        this.#settings.onAttempt?.(request.service, failure.phase, retry);
        if (!retry) break;
      }
    }
    if (!lastFailure) {
      throw new ServiceError('NO_INSTANCE', `No instance of ${request.service} is registered and alive`);
    }
    if (lastFailure.phase === 'timeout') {
      throw new ServiceError(
        'UPSTREAM_TIMEOUT',
        `${request.service} did not answer in time: ${lastFailure.error.message}`,
      );
    }
    if (lastFailure.phase === 'too-large') {
      throw new ServiceError(
        'UPSTREAM_TOO_LARGE',
        `${request.service} answered more than ${this.#maxBytes} bytes`,
      );
    }
    throw new ServiceError(
      'UPSTREAM_FAILED',
      `${request.service} failed: ${lastFailure.error.message}${
        lastFailure.phase === 'exchange' && !SAFE_METHODS.has(request.method) && !keyed
          ? ' (not retried: the request may have been applied; send an Idempotency-Key to allow it)'
          : ''
      }`,
    );
  }

  get #maxBytes(): number {
    return this.#settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  #attempt(
    instance: Instance,
    request: ForwardRequest,
    deadline: number,
  ): Promise<Omit<ForwardResponse, 'instance' | 'attempts'>> {
    const headers: Record<string, string | string[]> = {};
    for (const name in request.headers) {
      const value = request.headers[name];
      if (value !== undefined && !HOP_BY_HOP.has(name) && !name.startsWith('x-forwarded-'))
        headers[name] = value;
    }
    headers['x-request-id'] = request.requestId;
    headers['x-forwarded-for'] = request.forwarded.for;
    headers['x-forwarded-host'] = request.forwarded.host;
    headers['x-forwarded-proto'] = request.forwarded.proto;
    headers['x-forwarded-prefix'] = request.forwarded.prefix;
    const maxBytes = this.#maxBytes;

    return new Promise((resolve, reject) => {
      // Set once the request is handed to a connected socket: from then on it may have arrived.
      let controller: Dispatcher.DispatchController | undefined;
      let settled = false;
      let status = 502;
      let answerHeaders: Record<string, string | string[]> = {};
      const chunks: Buffer[] = [];
      let size = 0;
      const fail = (phase: AttemptFailure['phase'], error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(overall);
        reject({ phase, error } satisfies AttemptFailure);
        controller?.abort(error);
      };
      // The whole request's budget, however the instance trickles its answer.
      const overall = setTimeout(
        () =>
          fail(
            'timeout',
            new Error(`request took longer than ${this.#settings.deadlineMs ?? DEFAULT_DEADLINE_MS} ms`),
          ),
        Math.max(0, deadline - Date.now()),
      );
      this.#agent.dispatch(
        {
          // The registry keeps an instance's URL as its origin (`http://host:port`).
          origin: instance.url,
          // Checked by the gateway app: it starts with `/` and has no segment the URL parser would rewrite.
          path: request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers,
          body: request.body ?? null,
        },
        {
          onRequestStart: (started) => {
            // Past the deadline while waiting for a connection: nothing was sent, nothing will be.
            if (settled) started.abort(new Error('deadline passed before sending'));
            else controller = started;
          },
          onResponseStart: (_controller, statusCode, responseHeaders) => {
            if (settled || statusCode < 200) return;
            const length = Number(responseHeaders['content-length'] ?? 0);
            if (length > maxBytes) {
              fail('too-large', new Error(`content-length ${length}`));
              return;
            }
            status = statusCode;
            answerHeaders = responseHeaders as Record<string, string | string[]>;
          },
          onResponseData: (_controller, chunk) => {
            if (settled) return;
            size += chunk.length;
            if (size > maxBytes) fail('too-large', new Error(`more than ${maxBytes} bytes`));
            else chunks.push(chunk);
          },
          onResponseEnd: () => {
            if (settled) return;
            settled = true;
            clearTimeout(overall);
            const out: Record<string, string | string[]> = {};
            for (const name in answerHeaders) {
              const value = answerHeaders[name];
              if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
            }
            resolve({
              status,
              headers: out,
              body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
            });
          },
          onResponseError: (_controller, error) => {
            if (!controller) fail('connect', error);
            else
              fail(
                TIMEOUT_CODES.has((error as { code?: string }).code ?? '') ? 'timeout' : 'exchange',
                error,
              );
          },
        },
      );
    });
  }

  close(): void {
    void this.#agent.destroy().catch(() => {});
  }
}
