import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadSummary, runLoad, type VerifyReport, verifyOrders } from '@msa-sync/cli/load';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTopic } from '../support/topic-reader.js';
import { FaultRig } from './support/fault-rig.js';

/**
 * The fault suite (issue 7, part 3): orders flow through gateway, two order-service instances,
 * a private broker, the Connect worker's JDBC sink and a private MariaDB while one fault at a
 * time is injected mid-load and healed. After each, every acknowledged order must be in the
 * `orders` table exactly once, decided once by the catalog, with stock matching the decisions.
 *
 * CI size: each fault once with a short load. `npm run faults:long` runs FAULT_ROUNDS=10 with a
 * longer load (FAULT_LOAD_MS); FAULT_REPORT=<file> writes the figures of every round as JSON.
 */
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 1);
const LOAD_MS = Number(process.env.FAULT_LOAD_MS ?? 6000);
const RATE = Number(process.env.FAULT_RATE ?? 80);
/** Only the faults whose name matches (a regular expression), to repeat one fault alone. */
const ONLY = new RegExp(process.env.FAULT_ONLY ?? '.', 'i');
/** Orders the load must see acknowledged after the heal before it stops: the shop recovered. */
const ACKED_AFTER_HEAL = 40;
/** How long after the heal the load may go on waiting for them. */
const MAX_RECOVERY_MS = 90_000;
/** When in the load the fault strikes. */
const INJECT_AFTER_MS = Math.round(LOAD_MS * 0.3);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fault {
  name: string;
  /** Breaks something, and heals it again before it resolves. */
  inject(rig: FaultRig, round: number): Promise<void>;
}

const FAULTS: Fault[] = [
  {
    name: 'kill -9 of an order-service instance (then a new one)',
    inject: (rig, round) => rig.killOrderInstance(round % 2, 1500),
  },
  {
    name: 'kill -9 of the Connect worker (then a new one)',
    inject: (rig) => rig.killAndRestartWorker(1500),
  },
  {
    name: 'broker stopped (SIGTERM) and started',
    inject: (rig) => rig.restartBroker(2000),
  },
  {
    name: 'broker killed (kill -9) and started',
    inject: (rig) => rig.restartBroker(2000, 'SIGKILL'),
  },
  {
    name: 'MariaDB killed and started',
    inject: (rig) => rig.restartMariaDb(2000),
  },
  {
    name: 'network delay of 300 ms per chunk between MariaDB and its clients',
    inject: async (rig) => {
      rig.proxy.delayMs = 300;
      await sleep(3000);
      rig.proxy.delayMs = 0;
    },
  },
];

interface RoundFigures {
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
}

describe('fault suite: no acknowledged order lost or duplicated', () => {
  let rig: FaultRig;
  const dir = mkdtempSync(join(tmpdir(), 'msa-faults-'));
  const figures: RoundFigures[] = [];

  beforeAll(async () => {
    rig = await FaultRig.start();
  }, 240_000);

  afterAll(async () => {
    await rig?.stop();
    const total = (k: 'acked' | 'lost' | 'duplicated') => figures.reduce((s, f) => s + f[k], 0);
    console.log(
      `[faults] ${figures.length} rounds, ${total('acked')} acknowledged orders, ` +
        `${total('lost')} lost, ${total('duplicated')} duplicated`,
    );
    if (process.env.FAULT_REPORT) writeFileSync(process.env.FAULT_REPORT, JSON.stringify(figures, null, 2));
  }, 120_000);

  for (let round = 1; round <= ROUNDS; round++) {
    for (const fault of FAULTS.filter((f) => ONLY.test(f.name))) {
      it(
        `round ${round}: ${fault.name}`,
        async () => {
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
              ratePerSecond: RATE,
              durationMs: LOAD_MS + MAX_RECOVERY_MS,
              concurrency: 16,
              users: 4,
              products: 2,
              ackedFile: join(dir, `round-${round}-{runId}.jsonl`),
              requestTimeoutMs: 15_000,
              signal: stop.signal,
            },
            (p) => {
              if (p.phase !== 'load') return;
              ackedNow = p.acked;
              if (ackedAtStrike === 0 && p.acked > 0 && p.elapsedMs >= INJECT_AFTER_MS)
                ackedAtStrike = p.acked;
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
          await fault.inject(rig, round);
          const faultMs = Math.round(performance.now() - struck);
          ackedAtHeal = ackedNow;
          const healed = performance.now();
          await until(
            () =>
              ackedNow - (ackedAtHeal ?? 0) >= ACKED_AFTER_HEAL &&
              performance.now() - healed >= 2000 &&
              performance.now() - struck >= LOAD_MS - INJECT_AFTER_MS,
          ).catch(() => {});
          stop.abort();
          const summary: LoadSummary = await load;

          const report: VerifyReport = await verifyOrders({
            ackedFile: summary.ackedFile,
            databaseUrl: rig.databaseUrlWithUser,
            waitMs: 120_000,
          });
          const phantoms = await rig.decidedWithoutOrder();
          figures.push({
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
          });
          console.log(`[faults] ${JSON.stringify(figures.at(-1))}`);
          if (report.lost.length > 0) console.log('[faults] sink', JSON.stringify(await rig.sinkStatus()));
          if (phantoms.length > 0) {
            // Tells a sink that dropped a record from an order that never reached the orders topic.
            const inTopic = new Set(
              (await readTopic(rig.broker.bootstrap, rig.shop.topics.orders)).map((r) => r.key?.toString()),
            );
            console.log(
              `[faults] decided without an orders row: ${phantoms.map((id) => `${id} (${inTopic.has(id) ? 'in' : 'NOT in'} the orders topic)`).join(', ')}`,
            );
          }

          // Orders flowed before the fault (the strike waited for them), and each acknowledged one
          // is in the table once.
          expect(ackedAtStrike).toBeGreaterThan(0);
          // The shop took orders again after the heal, under load.
          expect(summary.acked - (ackedAtHeal ?? summary.acked)).toBeGreaterThanOrEqual(ACKED_AFTER_HEAL);
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
        },
        LOAD_MS + MAX_RECOVERY_MS + 240_000,
      );
    }
  }
});
