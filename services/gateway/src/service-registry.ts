/**
 * Which instances of which services are alive, told by the instances themselves: each registers
 * with its URL and heartbeat interval, then heartbeats. An instance silent for
 * `missedHeartbeats` intervals is dead: never routed to, and removed on the next sweep. An
 * instance the proxy could not connect to is suspect for a while and skipped while others are
 * left.
 */
export interface InstanceRegistration {
  service: string;
  instanceId: string;
  url: string;
  heartbeatIntervalMs: number;
}

export interface Instance extends InstanceRegistration {
  registeredAt: number;
  lastHeartbeatAt: number;
  /** Skipped by round robin until then (ms since epoch); 0 = not suspect. */
  suspectUntil: number;
}

export interface RegistrySettings {
  missedHeartbeats: number;
  /** How long an instance that refused a connection is skipped. */
  suspectMs: number;
  now: () => number;
}

export class RegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistrationError';
  }
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const INSTANCE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export class ServiceRegistry {
  readonly #settings: RegistrySettings;
  /** Per service, in registration order (round robin walks this). */
  readonly #byService = new Map<string, Instance[]>();
  readonly #byId = new Map<string, Instance>();
  readonly #cursor = new Map<string, number>();

  constructor(settings: Partial<RegistrySettings> = {}) {
    this.#settings = { missedHeartbeats: 3, suspectMs: 2000, now: Date.now, ...settings };
  }

  register(registration: InstanceRegistration): Instance {
    const { service, instanceId, url, heartbeatIntervalMs } = registration;
    if (!SERVICE_NAME.test(service)) throw new RegistrationError(`'${service}' is not a service name`);
    if (!INSTANCE_ID.test(instanceId)) throw new RegistrationError(`'${instanceId}' is not an instance id`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new RegistrationError(`'${url}' is not a URL`);
    }
    if (parsed.protocol !== 'http:' || parsed.pathname !== '/' || parsed.search || parsed.username) {
      throw new RegistrationError(`'${url}' must be http://host:port`);
    }
    if (!Number.isInteger(heartbeatIntervalMs) || heartbeatIntervalMs < 100 || heartbeatIntervalMs > 60_000) {
      throw new RegistrationError('heartbeatIntervalMs must be an integer from 100 to 60000');
    }
    const existing = this.#byId.get(instanceId);
    if (existing && existing.service !== service) this.deregister(instanceId);
    const now = this.#settings.now();
    const instance: Instance = {
      service,
      instanceId,
      url: parsed.origin,
      heartbeatIntervalMs,
      registeredAt: existing?.registeredAt ?? now,
      lastHeartbeatAt: now,
      suspectUntil: 0,
    };
    const list = this.#byService.get(service) ?? [];
    const index = list.findIndex((i) => i.instanceId === instanceId);
    if (index >= 0) list[index] = instance;
    else list.push(instance);
    this.#byService.set(service, list);
    this.#byId.set(instanceId, instance);
    return instance;
  }

  /** False when the instance is unknown (evicted or never registered): it should register again. */
  heartbeat(instanceId: string): boolean {
    const instance = this.#byId.get(instanceId);
    if (!instance) return false;
    if (!this.isAlive(instance)) {
      // Too late: it was already dead for routing. Make it register again, like a new instance.
      this.deregister(instanceId);
      return false;
    }
    instance.lastHeartbeatAt = this.#settings.now();
    return true;
  }

  deregister(instanceId: string): boolean {
    const instance = this.#byId.get(instanceId);
    if (!instance) return false;
    this.#byId.delete(instanceId);
    const list = (this.#byService.get(instance.service) ?? []).filter((i) => i.instanceId !== instanceId);
    if (list.length > 0) this.#byService.set(instance.service, list);
    else this.#byService.delete(instance.service);
    return true;
  }

  isAlive(instance: Instance): boolean {
    const silentFor = this.#settings.now() - instance.lastHeartbeatAt;
    return silentFor <= instance.heartbeatIntervalMs * this.#settings.missedHeartbeats;
  }

  /** Removes the instances that missed too many heartbeats; returns them. */
  evictSilent(): Instance[] {
    const evicted = [...this.#byId.values()].filter((i) => !this.isAlive(i));
    for (const instance of evicted) this.deregister(instance.instanceId);
    return evicted;
  }

  /**
   * The next instance of `service` in round robin order that is alive and not in `exclude`.
   * Suspect instances are passed over while a healthy one is left.
   */
  next(service: string, exclude: ReadonlySet<string> = new Set()): Instance | undefined {
    const list = this.#byService.get(service) ?? [];
    if (list.length === 0) return undefined;
    const now = this.#settings.now();
    const start = (this.#cursor.get(service) ?? 0) % list.length;
    let fallback: { instance: Instance; index: number } | undefined;
    for (let step = 0; step < list.length; step++) {
      const index = (start + step) % list.length;
      const instance = list[index] as Instance;
      if (exclude.has(instance.instanceId) || !this.isAlive(instance)) continue;
      if (instance.suspectUntil > now) {
        fallback ??= { instance, index };
        continue;
      }
      this.#cursor.set(service, index + 1);
      return instance;
    }
    if (fallback) this.#cursor.set(service, fallback.index + 1);
    return fallback?.instance;
  }

  /** The instance refused a connection: skip it for a while. */
  markFailed(instanceId: string): void {
    const instance = this.#byId.get(instanceId);
    if (instance) instance.suspectUntil = this.#settings.now() + this.#settings.suspectMs;
  }

  markSucceeded(instanceId: string): void {
    const instance = this.#byId.get(instanceId);
    if (instance) instance.suspectUntil = 0;
  }

  /** Instances that can be routed to now, per service. */
  aliveCount(service: string): number {
    return (this.#byService.get(service) ?? []).filter((i) => this.isAlive(i)).length;
  }

  snapshot(): {
    service: string;
    instanceId: string;
    url: string;
    status: 'UP' | 'SUSPECT' | 'DOWN';
    lastHeartbeatAt: string;
  }[] {
    const now = this.#settings.now();
    return [...this.#byService.values()].flat().map((i) => ({
      service: i.service,
      instanceId: i.instanceId,
      url: i.url,
      status: !this.isAlive(i) ? 'DOWN' : i.suspectUntil > now ? 'SUSPECT' : 'UP',
      lastHeartbeatAt: new Date(i.lastHeartbeatAt).toISOString(),
    }));
  }

  services(): string[] {
    return [...this.#byService.keys()];
  }
}
