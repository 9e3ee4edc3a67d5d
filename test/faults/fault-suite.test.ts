import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FaultRig, type FaultRigOptions } from './support/fault-rig.js';
import { type Fault, type RoundFigures, runFaultRound } from './support/fault-round.js';

/**
 * The fault suite (issue 7, part 3): orders flow through gateway, two order-service instances,
 * a private broker, the Connect worker's JDBC sink and a private MariaDB while one fault at a
 * time is injected mid-load and healed. After each, every acknowledged order must be in the
 * `orders` table exactly once, decided once by the catalog, with stock matching the decisions.
 *
 * The same rounds then run on a 3-node KRaft cluster (issue 15, part 5): the shop, two Connect
 * workers in one group running the orders sink, and a private MariaDB, on the cluster of `up
 * --brokers 3` (topics with 3 replicas and min.insync.replicas=2, producers with acks=all). Each
 * round strikes one node under load: the leader of the `orders` partition killed with SIGKILL, the
 * active controller killed with SIGKILL (the nodes' keepers start them again, as under `up`), the
 * leader paused with SIGSTOP for longer than the brokers' session timeout; 201 -> row during the
 * fault is recorded. One file, so that the two rigs never run at the same time on a 2-core machine.
 *
 * CI size: each fault once with a short load. `npm run faults:long` runs FAULT_ROUNDS=10 with a
 * longer load (FAULT_LOAD_MS); FAULT_REPORT=<file> writes the figures of every round as JSON
 * (the cluster's to <file>-cluster.json).
 */
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 1);
const LOAD_MS = Number(process.env.FAULT_LOAD_MS ?? 6000);
const RATE = Number(process.env.FAULT_RATE ?? 80);
/** The cluster rig runs three JVMs more: a lower rate keeps a 2-core machine answering. */
const CLUSTER_RATE = Number(process.env.FAULT_RATE ?? 60);
const clusterLog = (line: string) => process.stderr.write(`[cluster-faults] ${line}\n`);
/** Only the faults whose name matches (a regular expression), to repeat one fault alone. */
const ONLY = new RegExp(process.env.FAULT_ONLY ?? '.', 'i');
/** Orders the load must see acknowledged after the heal before it stops: the shop recovered. */
const ACKED_AFTER_HEAL = 40;
/** How long after the heal the load may go on waiting for them. */
const MAX_RECOVERY_MS = 90_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/**
 * One suite: a rig started once, each fault struck once per round in order, the figures of every
 * round logged at the end (and written to FAULT_REPORT, with `reportSuffix` before `.json`).
 */
function describeFaultSuite(
  title: string,
  options: {
    rig: FaultRigOptions;
    faults: Fault[];
    rate: number;
    log: (line: string) => void;
    reportSuffix: string;
  },
): void {
  // A suite whose faults FAULT_ONLY leaves out is not declared: its hooks would start a rig.
  const faults = options.faults.filter((f) => ONLY.test(f.name));
  if (faults.length === 0) return;
  describe(title, () => {
    let rig: FaultRig;
    const dir = mkdtempSync(join(tmpdir(), 'msa-faults-'));
    const figures: RoundFigures[] = [];

    beforeAll(async () => {
      rig = await FaultRig.start(options.rig);
    }, 300_000);

    afterAll(async () => {
      await rig?.stop();
      const total = (k: 'acked' | 'lost' | 'duplicated') => figures.reduce((s, f) => s + f[k], 0);
      options.log(
        `${figures.length} rounds, ${total('acked')} acknowledged orders, ${total('lost')} lost, ${total('duplicated')} duplicated`,
      );
      const report = process.env.FAULT_REPORT;
      if (report) {
        writeFileSync(
          report.replace(/(\.json)?$/, `${options.reportSuffix}.json`),
          JSON.stringify(figures, null, 2),
        );
      }
    }, 180_000);

    for (let round = 1; round <= ROUNDS; round++) {
      for (const fault of faults) {
        it(
          `round ${round}: ${fault.name}`,
          async () => {
            await runFaultRound(
              rig,
              fault,
              round,
              {
                loadMs: LOAD_MS,
                ratePerSecond: options.rate,
                ackedAfterHeal: ACKED_AFTER_HEAL,
                maxRecoveryMs: MAX_RECOVERY_MS,
                dir,
              },
              { visibility: options.rig.cluster === true, record: (f) => figures.push(f) },
            );
          },
          LOAD_MS + MAX_RECOVERY_MS + 240_000,
        );
      }
    }
  });
}

describeFaultSuite('fault suite: no acknowledged order lost or duplicated', {
  rig: {},
  faults: FAULTS,
  rate: RATE,
  log: (line) => console.log(`[faults] ${line}`),
  reportSuffix: '',
});

const CLUSTER_FAULTS: Fault[] = [
  {
    name: 'cluster: kill -9 of the node leading the orders partition (its keeper starts it again)',
    inject: async (rig) => {
      const leader = await rig.cluster.leaderOf(rig.shop.topics.orders);
      clusterLog(`killing node ${leader}, leader of ${rig.shop.topics.orders}-0`);
      await rig.cluster.killNode(leader);
    },
  },
  {
    name: 'cluster: kill -9 of the active controller (its keeper starts it again)',
    inject: async (rig) => {
      const controller = rig.cluster.controllerLeader();
      clusterLog(`killing node ${controller}, the active controller`);
      await rig.cluster.killNode(controller);
    },
  },
  {
    name: 'cluster: the node leading the orders partition paused (SIGSTOP) for 12 s',
    inject: async (rig) => {
      const leader = await rig.cluster.leaderOf(rig.shop.topics.orders);
      clusterLog(`pausing node ${leader}, leader of ${rig.shop.topics.orders}-0`);
      await rig.cluster.pauseNode(leader, 12_000);
    },
  },
];

describeFaultSuite('fault suite on a 3-node cluster: no acknowledged order lost or duplicated', {
  rig: { cluster: true, workers: 2 },
  faults: CLUSTER_FAULTS,
  rate: CLUSTER_RATE,
  log: clusterLog,
  reportSuffix: '-cluster',
});
