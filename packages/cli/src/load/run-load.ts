import { randomBytes, randomUUID } from 'node:crypto';
import { type DatabaseCredentials, ShopDatabase } from '../shop-database.js';
import { AckedFileWriter, type RunHeader } from './acked-file.js';
import { OrderClient } from './order-request.js';
import { type LatencySummary, summarize } from './percentiles.js';
import { fetchProducts, inParallel, LoadSetupError, type LoadUser, signUpAndLogIn } from './shop-client.js';
import { type VisibilitySummary, VisibilityWatcher } from './visibility-watcher.js';

export interface LoadOptions {
  gatewayUrl: string;
  /** Orders per second, open loop; 0 = as fast as `concurrency` allows. */
  ratePerSecond: number;
  durationMs: number;
  /** Most requests in flight at once. */
  concurrency: number;
  users: number;
  products: number;
  /** Where the run is written; `{runId}` in it is replaced by the run's id. */
  ackedFile: string;
  /** When set, watch for acknowledged orders becoming visible in the shared database. */
  databaseUrl?: string;
  databaseCredentials?: DatabaseCredentials;
  /** Table the JDBC sink writes orders into. */
  ordersTable?: string;
  /** Default 10000 (each attempt). */
  requestTimeoutMs?: number;
  /**
   * Times an order whose outcome is uncertain (timeout, 5xx, connection lost) is sent again with
   * the same Idempotency-Key; default 5. The shop answers a repeated key with the first answer, so
   * a retry never places a second order.
   */
  retries?: number;
  /** Quantity of every order; default 1. */
  qty?: number;
  /** How long to keep watching for rows after the last request; default 30000. */
  visibilityGraceMs?: number;
  /** Stops sending new orders (requests in flight still finish). */
  signal?: AbortSignal;
}

export interface LoadProgress {
  runId: string;
  elapsedMs: number;
  durationMs: number;
  sent: number;
  acked: number;
  rejected: number;
  errors: number;
  timedOut: number;
  inFlight: number;
  /** Requests sent per second over the last progress interval. */
  currentRate: number;
  /** Acknowledged orders not yet seen in the database (when watching). */
  notYetVisible?: number;
  /** 201 latency of the answers since the previous progress, when there were any. */
  intervalLatencyMs?: { p50: number; p99: number; count: number };
  /** 201 → row delay of the rows seen since the previous progress (when watching and there were any). */
  intervalVisibleMs?: { p50: number; p99: number; count: number };
  /** 'load' while ordering, 'visibility' while waiting for the last rows. */
  phase: 'load' | 'visibility';
}

export interface LoadSummary {
  runId: string;
  sent: number;
  acked: number;
  /** 4xx answers: the order was refused, nothing was placed. */
  rejected: number;
  /** 5xx answers and connection errors. */
  errors: number;
  /** No answer within requestTimeoutMs. */
  timedOut: number;
  /** Orders whose outcome the client cannot know (timeouts, 5xx, connections lost after sending) after every retry. */
  uncertain: number;
  /** Requests sent again with the same Idempotency-Key after an uncertain outcome. */
  retried: number;
  /** Latency of the 201 answers. */
  latencyMs: LatencySummary;
  /** From the 201 to the row in the shared database (when watching). */
  visibleMs?: VisibilitySummary;
  ordersPerSecond: number;
  elapsedMs: number;
  ackedFile: string;
  /** Problems the visibility watcher met (database down): counted, the run went on. */
  databaseErrors?: number;
  /** The most frequent error texts, for the summary. */
  errorSamples: Record<string, number>;
}

const SETUP_PARALLELISM = 4;
const PROGRESS_EVERY_MS = 500;

/**
 * Drives orders through the gateway: its own users (signed up and logged in first), the first
 * `products` products of the catalog, open-loop at `ratePerSecond` with at most `concurrency`
 * requests in flight. Every 201 goes to the acked file as it arrives; faults during the run
 * (gateway or instances down) are counted, never fatal. Only setup failures reject.
 */
export async function runLoad(
  options: LoadOptions,
  onProgress?: (p: LoadProgress) => void,
): Promise<LoadSummary> {
  checkOptions(options);
  const runId = `load-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const gatewayUrl = options.gatewayUrl.replace(/\/+$/, '');
  const catalog = await fetchProducts(gatewayUrl);
  if (catalog.length < options.products) {
    throw new LoadSetupError(
      `The catalog has ${catalog.length} products, ${options.products} asked for (--products)`,
    );
  }
  const products = catalog.slice(0, options.products);
  const users = await inParallel(options.users, SETUP_PARALLELISM, (i) =>
    signUpAndLogIn(gatewayUrl, `${runId}-${i}@load.example.com`, `load ${i}`),
  );
  const db = options.databaseUrl
    ? await ShopDatabase.open(options.databaseUrl, options.databaseCredentials).catch((error: Error) => {
        throw new LoadSetupError(`Cannot open the shared database to watch for rows: ${error.message}`);
      })
    : undefined;
  const ackedFile = options.ackedFile.replaceAll('{runId}', runId);
  const writer = await AckedFileWriter.open(ackedFile).catch(async (error: Error) => {
    await db?.close().catch(() => {});
    throw new LoadSetupError(`Cannot write ${ackedFile}: ${error.message}`);
  });
  // Stock read again right before the first order: signing users up takes a while.
  const stockAtStart = new Map((await fetchProducts(gatewayUrl)).map((p) => [p.productId, p.stock]));
  const header: RunHeader = {
    type: 'run',
    runId,
    gatewayUrl,
    ratePerSecond: options.ratePerSecond,
    durationMs: options.durationMs,
    concurrency: options.concurrency,
    users: users.map((u) => u.userId),
    products: products.map((p) => ({
      productId: p.productId,
      stockAtStart: stockAtStart.get(p.productId) ?? p.stock,
    })),
    startedAt: Date.now(),
  };
  writer.write(header);
  const watcher = db
    ? new VisibilityWatcher(
        db,
        (orderId, visibleAt) => writer.write({ type: 'visible', orderId, visibleAt }),
        {
          table: options.ordersTable ?? 'orders',
        },
      )
    : undefined;
  watcher?.start();

  try {
    const driver = new OrderDriver(options, gatewayUrl, users, products, writer, watcher);
    const progress = (phase: LoadProgress['phase']) => onProgress?.(driver.progress(runId, phase));
    const ticker = setInterval(() => progress('load'), PROGRESS_EVERY_MS);
    let elapsedMs: number;
    try {
      elapsedMs = await driver.run();
    } finally {
      clearInterval(ticker);
    }
    progress('load');
    let visibleMs: VisibilitySummary | undefined;
    if (watcher) {
      const waiting = setInterval(() => progress('visibility'), PROGRESS_EVERY_MS);
      try {
        visibleMs = await watcher.finish(options.visibilityGraceMs ?? 30_000);
      } finally {
        clearInterval(waiting);
      }
    }
    const c = driver.counts;
    writer.write({ type: 'end', endedAt: Date.now(), ...c });
    return {
      runId,
      ...c,
      uncertain: driver.uncertain,
      retried: driver.retried,
      latencyMs: summarize(driver.latencies),
      ...(visibleMs ? { visibleMs } : {}),
      ordersPerSecond: Math.round((c.acked / Math.max(elapsedMs, 1)) * 1000 * 10) / 10,
      elapsedMs: Math.round(elapsedMs),
      ackedFile,
      ...(watcher ? { databaseErrors: watcher.errors } : {}),
      errorSamples: Object.fromEntries(driver.errorSamples),
    };
  } finally {
    // Stopped before the file closes, so no row seen late is written after the end.
    await watcher?.finish(0);
    await writer.close();
    await db?.close().catch(() => {});
  }
}

function checkOptions(o: LoadOptions): void {
  const positive = (n: number, name: string, min: number) => {
    if (!Number.isFinite(n) || n < min) throw new RangeError(`${name} must be >= ${min}, got ${n}`);
  };
  positive(o.ratePerSecond, 'ratePerSecond', 0);
  positive(o.durationMs, 'durationMs', 1);
  positive(o.concurrency, 'concurrency', 1);
  positive(o.users, 'users', 1);
  positive(o.products, 'products', 1);
  positive(o.qty ?? 1, 'qty', 1);
  positive(o.requestTimeoutMs ?? 10_000, 'requestTimeoutMs', 1);
  positive(o.retries ?? DEFAULT_RETRIES, 'retries', 0);
}

/** Statuses after which the order may exist although no 201 arrived. */
function isUncertainStatus(status: number): boolean {
  return status >= 500;
}

const DEFAULT_RETRIES = 5;

/** One attempt's outcome: settled (201 or a refusal), or unknown (worth repeating with the key). */
type Attempt =
  | { kind: 'acked'; text: string }
  | { kind: 'rejected'; status: number }
  | { kind: 'unknown'; error: string; timedOut: boolean; maybeSent: boolean };

/** Connection errors where the request surely never reached the gateway. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

class OrderDriver {
  readonly latencies: number[] = [];
  readonly errorSamples = new Map<string, number>();
  counts = { sent: 0, acked: 0, rejected: 0, errors: 0, timedOut: 0 };
  uncertain = 0;
  retried = 0;
  #inFlight = 0;
  #seq = 0;
  #started = 0;
  #lastProgress = { at: 0, sent: 0, latencies: 0, visible: 0 };
  readonly #options: LoadOptions;
  readonly #gatewayUrl: string;
  readonly #users: LoadUser[];
  readonly #products: { productId: string; unitPrice: number }[];
  readonly #writer: AckedFileWriter;
  readonly #watcher: VisibilityWatcher | undefined;
  readonly #timeoutMs: number;
  readonly #qty: number;
  readonly #client = new OrderClient();

  constructor(
    options: LoadOptions,
    gatewayUrl: string,
    users: LoadUser[],
    products: { productId: string; unitPrice: number }[],
    writer: AckedFileWriter,
    watcher: VisibilityWatcher | undefined,
  ) {
    this.#options = options;
    this.#gatewayUrl = gatewayUrl;
    this.#users = users;
    this.#products = products;
    this.#writer = writer;
    this.#watcher = watcher;
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#qty = options.qty ?? 1;
  }

  progress(runId: string, phase: LoadProgress['phase']): LoadProgress {
    const now = performance.now();
    const dt = now - this.#lastProgress.at;
    const currentRate = dt > 0 ? ((this.counts.sent - this.#lastProgress.sent) / dt) * 1000 : 0;
    const interval = (samples: number[]) => {
      if (samples.length === 0) return undefined;
      const { p50, p99, count } = summarize(samples);
      return { p50, p99, count };
    };
    const latency = interval(this.latencies.slice(this.#lastProgress.latencies));
    const visible = this.#watcher
      ? interval(this.#watcher.delaysSince(this.#lastProgress.visible))
      : undefined;
    this.#lastProgress = {
      at: now,
      sent: this.counts.sent,
      latencies: this.latencies.length,
      visible: this.#watcher?.visible ?? 0,
    };
    return {
      runId,
      elapsedMs: Math.round(now - this.#started),
      durationMs: this.#options.durationMs,
      ...this.counts,
      inFlight: this.#inFlight,
      currentRate: Math.round(currentRate),
      ...(this.#watcher ? { notYetVisible: this.#watcher.pending } : {}),
      ...(latency ? { intervalLatencyMs: latency } : {}),
      ...(visible ? { intervalVisibleMs: visible } : {}),
      phase,
    };
  }

  /** Sends until the duration is over (or the signal aborts), then waits for what is in flight. */
  run(): Promise<number> {
    const { ratePerSecond: rate, concurrency, durationMs, signal } = this.#options;
    this.#started = performance.now();
    this.#lastProgress = { at: this.#started, sent: 0, latencies: 0, visible: 0 };
    let released = 0;
    let sending = true;
    return new Promise<number>((resolve) => {
      const settleIfDone = () => {
        if (sending || this.#inFlight > 0) return;
        this.#client.close();
        resolve(performance.now() - this.#started);
      };
      // Open loop: the schedule says how many requests should have left by now (not a sleep per
      // request, which drifts). A backlog is capped at `concurrency` so that after a stall the
      // client does not fire a burst the schedule never meant.
      const pump = () => {
        if (!sending) return settleIfDone();
        const elapsed = performance.now() - this.#started;
        if (elapsed >= durationMs || signal?.aborted) {
          sending = false;
          clearInterval(timer);
          return settleIfDone();
        }
        const due = rate > 0 ? Math.floor((elapsed * rate) / 1000) + 1 : Number.POSITIVE_INFINITY;
        if (rate > 0 && due - released > concurrency) released = due - concurrency;
        while (released < due && this.#inFlight < concurrency) {
          released++;
          void this.#send().finally(pump);
        }
      };
      const timer = setInterval(pump, rate > 0 ? Math.max(1, Math.min(10, 1000 / rate)) : 10);
      signal?.addEventListener('abort', pump, { once: true });
      pump();
    });
  }

  #note(kind: string): void {
    if (this.errorSamples.size < 20 || this.errorSamples.has(kind))
      this.errorSamples.set(kind, (this.errorSamples.get(kind) ?? 0) + 1);
  }

  async #send(): Promise<void> {
    const i = this.#seq++;
    const user = this.#users[i % this.#users.length] as LoadUser;
    const product = this.#products[Math.floor(i / this.#users.length) % this.#products.length] as {
      productId: string;
      unitPrice: number;
    };
    const qty = this.#qty;
    this.counts.sent++;
    this.#inFlight++;
    const started = performance.now();
    // One key per logical order: every retry of it is the same order to the shop.
    const key = randomUUID();
    const url = `${this.#gatewayUrl}/order-service/${encodeURIComponent(user.userId)}/orders`;
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${user.token}`,
      'idempotency-key': key,
    };
    const body = JSON.stringify({ productId: product.productId, qty, unitPrice: product.unitPrice });
    const retries = this.#options.retries ?? DEFAULT_RETRIES;
    try {
      let outcome = await this.#attempt(url, headers, body);
      let everSent = outcome.kind !== 'unknown' || outcome.maybeSent;
      for (let retry = 1; outcome.kind === 'unknown' && retry <= retries; retry++) {
        this.#note(`retried after ${outcome.error}`);
        this.retried++;
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** (retry - 1))));
        outcome = await this.#attempt(url, headers, body);
        everSent ||= outcome.kind !== 'unknown' || outcome.maybeSent;
      }
      const latencyMs = performance.now() - started;
      if (outcome.kind === 'acked') {
        const orderId = (JSON.parse(outcome.text) as { orderId?: unknown }).orderId;
        if (typeof orderId !== 'string')
          throw new Error(`201 without orderId: ${outcome.text.slice(0, 200)}`);
        const ackedAt = Date.now();
        this.counts.acked++;
        this.latencies.push(latencyMs);
        this.#writer.write({
          type: 'acked',
          orderId,
          userId: user.userId,
          productId: product.productId,
          qty,
          ackedAt,
          latencyMs: Math.round(latencyMs * 10) / 10,
        });
        this.#watcher?.expect(orderId, ackedAt);
      } else if (outcome.kind === 'rejected') {
        this.counts.rejected++;
        this.#note(`HTTP ${outcome.status}`);
      } else {
        if (outcome.timedOut) this.counts.timedOut++;
        else this.counts.errors++;
        this.#note(outcome.error);
        if (everSent) {
          this.uncertain++;
          this.#writer.write({
            type: 'uncertain',
            userId: user.userId,
            productId: product.productId,
            qty,
            at: Date.now(),
            error: outcome.error,
          });
        }
      }
    } catch (error) {
      this.counts.errors++;
      this.#note((error as Error).message);
    } finally {
      this.#inFlight--;
    }
  }

  async #attempt(url: string, headers: Record<string, string>, body: string): Promise<Attempt> {
    try {
      const response = await this.#client.post(url, headers, body, this.#timeoutMs);
      if (response.status === 201) return { kind: 'acked', text: response.text };
      // 409 IDEMPOTENCY_KEY_IN_FLIGHT: the first attempt is still being decided; ask again.
      if (response.status === 409 && response.text.includes('IDEMPOTENCY_KEY_IN_FLIGHT'))
        return { kind: 'unknown', error: 'HTTP 409 in flight', timedOut: false, maybeSent: true };
      if (response.status < 500) return { kind: 'rejected', status: response.status };
      return {
        kind: 'unknown',
        error: `HTTP ${response.status}`,
        timedOut: false,
        maybeSent: isUncertainStatus(response.status),
      };
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError')
        return { kind: 'unknown', error: 'timeout', timedOut: true, maybeSent: true };
      const code = e.cause?.code ?? e.cause?.message ?? e.message;
      return { kind: 'unknown', error: code, timedOut: false, maybeSent: !NOT_SENT.has(e.cause?.code ?? '') };
    }
  }
}
