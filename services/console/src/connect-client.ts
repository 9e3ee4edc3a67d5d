import { ApiError } from './api-error.js';

export interface ConnectAnswer {
  status: number;
  body: unknown;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * The Connect REST API the console drives (any Connect-compatible worker). The caller's
 * Authorization header is passed on as it came, so the worker's own Basic or Bearer check decides.
 */
export class ConnectClient {
  readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, fetchFn: FetchLike = fetch, timeoutMs = 90_000) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.fetchFn = fetchFn;
    this.timeoutMs = timeoutMs;
  }

  /** One request; a worker that cannot be reached is a 502 ApiError. */
  async request(
    method: string,
    path: string,
    options: { body?: unknown; authorization?: string | undefined } = {},
  ): Promise<ConnectAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.authorization) headers.authorization = options.authorization;
    let response: Response;
    try {
      response = await this.fetchFn(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ApiError(
        502,
        `Cannot reach the Connect REST API at ${this.baseUrl}: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = { error_code: response.status, message: text.slice(0, 500) };
      }
    }
    return { status: response.status, body };
  }

  /** Like request, but a status of 400 and above becomes an ApiError with Connect's message. */
  async ok(
    method: string,
    path: string,
    options: { body?: unknown; authorization?: string | undefined } = {},
  ): Promise<unknown> {
    const answer = await this.request(method, path, options);
    if (answer.status >= 400) {
      const message = (answer.body as { message?: unknown } | null)?.message;
      throw new ApiError(
        answer.status,
        typeof message === 'string' ? message : `Connect answered ${method} ${path} with ${answer.status}`,
      );
    }
    return answer.body;
  }
}

export const enc = encodeURIComponent;
