import { join } from 'node:path';
import { type LoadSummary, readAckedFile, runLoad, summarize, verifyOrders } from '@msa-sync/cli/load';
import { expect } from 'vitest';
import { readTopic } from '../../support/topic-reader.js';
import type { FaultRig } from './fault-rig.js';

export interface Fault {
  name: string;
  /** Breaks something, and heals it again before it resolves. */
  inject(rig: FaultRig, round: number): Promise<void>;
}

export interface RoundSettings {
  /** How long the load runs at least. */
  loadMs: number;
  ratePerSecond: number;
  /** Orders the load must see acknowledged after the heal before it stops: the shop recovered. */
  ackedAfterHeal: number;
  /** How long after the heal the load may go on waiting for them. */
  maxRecoveryMs: number;
  /** Where the acknowledged-orders files go. */
  dir: string;
}

export interface RoundFigures {
  round: number;
  fault: string;
  sent: number;
  acked: number;
  errors: number;
  uncertain: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  ledgerMissing: number;
  ledgerDuplicated: number;
  /** Catalog decisions (whole shop) for orders that have no row in `orders`: stock moved for a phantom. */
  decidedWithoutOrder: number;
  stockOk: boolean;
  faultMs: number;
  /** 201 → row in `orders` of the orders acknowledged from the strike to 5 s after the heal (with visibility on). */
  rowP99DuringFaultMs?: number;
  rowMaxDuringFaultMs?: number;
}

/**
 * One round: load through the shop, the fault struck once orders flow (30% into the load) and
 * healed, the load going on until orders are acknowledged again; then every acknowledged order
 * checked in the database (`msa-sync verify`) and the catalog's decisions against the orders
 * table. Returns the figures after asserting what no fault may break.
 */
export async function runFaultRound(
  rig: FaultRig,
  fault: Fault,
  round: number,
  settings: RoundSettings,
  options: {
    /** Measure 201 → row (the load watches the orders table). */
    visibility?: boolean;
    /** Gets the figures before the checks, so a failed round is in the report too. */
    record?: (figures: RoundFigures) => void;
  } = {},
): Promise<RoundFigures> {
  const injectAfterMs = Math.round(settings.loadMs * 0.3);
  await rig.waitShopReady();
  // Strike once orders are flowing: setup (sign-ups at scrypt's cost) takes seconds of its
  // own on a busy machine, and a fault during setup would test nothing. The load goes on
  // past the heal until orders are acknowledged again, as they would be in production:
  // that is the recovery being tested, and after a broker restart it is also what lets
  // readers past a transaction Kafka left without markers (docs/decisions/broker-restart-transactions.md).
  let ackedNow = 0;
  let ackedAtStrike = 0;
  let ackedAtHeal: number | undefined;
  let onProgress: () => void = () => {};
  const stop = new AbortController();
  const load = runLoad(
    {
      gatewayUrl: rig.shop.url,
      ratePerSecond: settings.ratePerSecond,
      durationMs: settings.loadMs + settings.maxRecoveryMs,
      concurrency: 16,
      users: 4,
      products: 2,
      ackedFile: join(settings.dir, `round-${round}-{runId}.jsonl`),
      requestTimeoutMs: 15_000,
      signal: stop.signal,
      ...(options.visibility ? { databaseUrl: rig.databaseUrlWithUser } : {}),
    },
    (p) => {
      if (p.phase !== 'load') return;
      ackedNow = p.acked;
      if (ackedAtStrike === 0 && p.acked > 0 && p.elapsedMs >= injectAfterMs) ackedAtStrike = p.acked;
      onProgress();
    },
  );
  const loadEnded = load.then(() => {
    throw new Error('the load ended before the round was over');
  });
  const until = (done: () => boolean) =>
    Promise.race([
      new Promise<void>((resolve) => {
        onProgress = () => {
          if (done()) resolve();
        };
      }),
      loadEnded,
    ]);
  await until(() => ackedAtStrike > 0);
  const struck = performance.now();
  const struckAt = Date.now();
  await fault.inject(rig, round);
  const faultMs = Math.round(performance.now() - struck);
  const healedAt = Date.now();
  ackedAtHeal = ackedNow;
  const healed = performance.now();
  await until(
    () =>
      ackedNow - (ackedAtHeal ?? 0) >= settings.ackedAfterHeal &&
      performance.now() - healed >= 2000 &&
      performance.now() - struck >= settings.loadMs - injectAfterMs,
  ).catch(() => {});
  stop.abort();
  const summary: LoadSummary = await load;

  const report = await verifyOrders({
    ackedFile: summary.ackedFile,
    databaseUrl: rig.databaseUrlWithUser,
    waitMs: 120_000,
  });
  const phantoms = await rig.decidedWithoutOrder();
  const figures: RoundFigures = {
    round,
    fault: fault.name,
    sent: summary.sent,
    acked: summary.acked,
    errors: summary.errors,
    uncertain: summary.uncertain,
    lost: report.lost.length,
    duplicated: report.duplicated.length,
    unexpected: report.unexpected.length,
    ledgerMissing: report.ledger.missing.length,
    ledgerDuplicated: report.ledger.duplicated.length,
    decidedWithoutOrder: phantoms.length,
    stockOk: report.stock.every((s) => s.ok) && report.negativeStock.length === 0,
    faultMs,
  };
  if (options.visibility) {
    const run = await readAckedFile(summary.ackedFile);
    const during = run.acked
      .filter((a) => a.ackedAt >= struckAt && a.ackedAt <= healedAt + 5000)
      .map((a) => (run.visible.get(a.orderId) ?? Number.NaN) - a.ackedAt)
      .filter((ms) => Number.isFinite(ms));
    if (during.length > 0) {
      const latency = summarize(during);
      figures.rowP99DuringFaultMs = Math.round(latency.p99);
      figures.rowMaxDuringFaultMs = Math.round(latency.max);
    }
  }
  options.record?.(figures);
  console.log(`[faults] ${JSON.stringify(figures)}`);
  if (report.lost.length > 0) console.log('[faults] sink', JSON.stringify(await rig.sinkStatus()));
  if (phantoms.length > 0) {
    // Tells a sink that dropped a record from an order that never reached the orders topic.
    const inTopic = new Set(
      (await readTopic(rig.bootstrap.split(',')[0] as string, rig.shop.topics.orders)).map((r) =>
        r.key?.toString(),
      ),
    );
    console.log(
      `[faults] decided without an orders row: ${phantoms.map((id) => `${id} (${inTopic.has(id) ? 'in' : 'NOT in'} the orders topic)`).join(', ')}`,
    );
  }

  // Orders flowed before the fault (the strike waited for them), and each acknowledged one
  // is in the table once.
  expect(ackedAtStrike).toBeGreaterThan(0);
  // The shop took orders again after the heal, under load.
  expect(summary.acked - (ackedAtHeal ?? summary.acked)).toBeGreaterThanOrEqual(settings.ackedAfterHeal);
  expect(report.lost).toEqual([]);
  expect(report.duplicated).toEqual([]);
  // Rows nobody acknowledged may only come from requests whose answer was lost.
  expect(report.unexpectedExplained).toBe(true);
  // The catalog decided each order once and stock moved by exactly the accepted quantities.
  expect(report.ledger).toEqual({ missing: [], duplicated: [] });
  expect(report.stock.filter((s) => !s.ok)).toEqual([]);
  expect(report.negativeStock).toEqual([]);
  // Nothing the catalog decided is missing from the orders table.
  expect(phantoms).toEqual([]);
  expect(rig.deadProcesses()).toEqual([]);
  return figures;
}
