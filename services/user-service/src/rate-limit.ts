/**
 * Token buckets by key (a client address, an email), in this process's memory: each key may
 * spend `burst` attempts at once and earns `perMinute` back each minute. Several user-service
 * instances each keep their own buckets, so the limit a client meets is per instance (at most
 * instances × the setting) — enough against password guessing at speed, not an exact quota.
 */
export interface BucketSettings {
  burst: number;
  perMinute: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Keys kept at most; past that, buckets that have refilled (which change nothing) are dropped. */
const MAX_KEYS = 100_000;

export class TokenBuckets {
  readonly #settings: BucketSettings;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(settings: BucketSettings) {
    this.#settings = settings;
  }

  take(key: string, nowMs = Date.now()): Take {
    const { burst, perMinute } = this.#settings;
    const perMs = perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + (nowMs - bucket.at) * perMs);
    bucket.at = nowMs;
    if (bucket.tokens < 1) {
      this.#buckets.set(key, bucket);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    }
    bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > MAX_KEYS) this.#prune(nowMs);
    return { ok: true };
  }

  #prune(nowMs: number): void {
    const perMs = this.#settings.perMinute / 60_000;
    for (const [key, b] of this.#buckets) {
      if (b.tokens + (nowMs - b.at) * perMs >= this.#settings.burst) this.#buckets.delete(key);
    }
  }
}
