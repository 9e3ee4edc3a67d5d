import type { Logger } from 'pino';
import type { ServiceSettings } from './service-settings.js';

export interface RegistryClientOptions {
  gatewayUrl: string;
  service: string;
  instanceId: string;
  /** Where the gateway reaches this instance. */
  url: string;
  heartbeatIntervalMs: number;
  /** Sent as `x-registry-token` when the gateway's registry wants one. */
  registryToken?: string | undefined;
  logger: Logger;
}

/**
 * Keeps one instance registered with the gateway: registers, then heartbeats every interval.
 * A heartbeat the gateway does not know (it restarted, or evicted us after a pause) registers
 * again. Failures are logged once per outage and retried on the next beat, so an instance started
 * before its gateway joins as soon as the gateway answers.
 */
export class RegistryClient {
  readonly #o: RegistryClientOptions;
  #timer: NodeJS.Timeout | undefined;
  #registered = false;
  #failing = false;
  #stopped = false;
  #beat: Promise<void> = Promise.resolve();

  constructor(options: RegistryClientOptions) {
    this.#o = options;
  }

  get registered(): boolean {
    return this.#registered;
  }

  start(): void {
    const tick = () => {
      this.#beat = this.#tick().finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(tick, this.#o.heartbeatIntervalMs);
      });
    };
    tick();
  }

  /** Stops heartbeats and deregisters, so the gateway stops routing here at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#beat;
    if (!this.#registered) return;
    await this.#call('DELETE', `/registry/instances/${encodeURIComponent(this.#o.instanceId)}`).catch(
      () => {},
    );
    this.#registered = false;
  }

  async #tick(): Promise<void> {
    try {
      if (this.#registered) {
        const status = await this.#call(
          'PUT',
          `/registry/instances/${encodeURIComponent(this.#o.instanceId)}/heartbeat`,
        );
        if (status === 404) this.#registered = false;
        else if (status >= 300) throw new Error(`heartbeat answered ${status}`);
      }
      if (!this.#registered) {
        const status = await this.#call('POST', '/registry/instances', {
          service: this.#o.service,
          instanceId: this.#o.instanceId,
          url: this.#o.url,
          heartbeatIntervalMs: this.#o.heartbeatIntervalMs,
        });
        if (status >= 300) throw new Error(`registration answered ${status}`);
        this.#registered = true;
        this.#o.logger.info({ gateway: this.#o.gatewayUrl, url: this.#o.url }, 'registered with the gateway');
      }
      if (this.#failing) this.#o.logger.info('gateway reachable again');
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) {
        this.#o.logger.warn(
          { gateway: this.#o.gatewayUrl, err: error },
          'cannot reach the gateway registry; retrying every heartbeat',
        );
      }
      this.#failing = true;
    }
  }

  async #call(method: string, path: string, body?: unknown): Promise<number> {
    const response = await fetch(`${this.#o.gatewayUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.#o.registryToken ? { 'x-registry-token': this.#o.registryToken } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(Math.max(1000, this.#o.heartbeatIntervalMs)),
    });
    await response.arrayBuffer();
    return response.status;
  }
}

/**
 * Registers this instance with the gateway named in its settings and starts heartbeats, or does
 * nothing when no gateway is configured (a service run on its own).
 */
export function joinGatewayRegistry(
  settings: Pick<
    ServiceSettings,
    'gatewayUrl' | 'service' | 'instanceId' | 'heartbeatIntervalMs' | 'registryToken'
  >,
  url: string,
  logger: Logger,
): RegistryClient | undefined {
  if (!settings.gatewayUrl) return undefined;
  const client = new RegistryClient({
    gatewayUrl: settings.gatewayUrl,
    service: settings.service,
    instanceId: settings.instanceId,
    url,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    registryToken: settings.registryToken,
    logger,
  });
  client.start();
  return client;
}
