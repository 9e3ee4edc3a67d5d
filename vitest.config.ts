import { defineConfig } from 'vitest/config';

// Two lanes. `unit`: the tests next to the code, needing no broker and no database (seconds).
// `integration`: test/, against the real broker and databases the global setup provides.
// `npm test` runs unit first and stops there on a failure.
/** MSA_INTEGRATION_WORKERS: how many integration files run at once (default 3). */
function integrationWorkers(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`MSA_INTEGRATION_WORKERS must be a whole number of at least 1, not "${raw}"`);
  }
  return n;
}

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
          // Unit test files share their workers' module cache: importing the same modules afresh
          // for each of 134 files was most of the lane (import 53 s of 135 s wall on 2 cores,
          // 2026-12-07; 33 s without). Unit tests mock no modules and keep no global state.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          // Integration files wait on Kafka, databases and child processes far more than they use
          // CPU, and each has its own topics, databases and ports: three at a time took the lane
          // from 39 to 15 minutes on a 2-core machine (2026-12-06). MSA_INTEGRATION_WORKERS=1 runs
          // them one by one.
          maxWorkers: integrationWorkers(process.env.MSA_INTEGRATION_WORKERS),
          // Integration tests talk to a real broker and databases on a shared 2-core machine, three
          // files at a time: beside the fault suite's rigs (up to three Kafka JVMs, MariaDB, eight
          // Node services) a test that takes 15 s alone went past 60 s twice (2026-12-06). A timeout
          // only bounds a hang; no test asserts on time.
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
