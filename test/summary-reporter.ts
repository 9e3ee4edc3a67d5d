import { writeFileSync } from 'node:fs';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** The first line of each error, short: the end of a long CI log must say why, not only where. */
function why(errors: ReadonlyArray<SerializedError> | undefined): string {
  const lines = (errors ?? [])
    .map((e) => `${e.name ?? 'Error'}: ${String(e.message ?? '').split('\n')[0]}`.slice(0, 240))
    .filter((line, i, all) => all.indexOf(line) === i);
  return lines.length ? ` — ${lines.slice(0, 3).join(' | ')}` : '';
}

/**
 * Adds one plain closing line, `vitest: N passed, N failed (Node vX)`, that any CI log reader
 * understands; the runtime is named because `npm test` runs the suite on two (scripts/test-lanes.mjs).
 * With MSA_TEST_SUMMARY_FILE set, the same counts go to that file as JSON for the lane runner.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError> = [],
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    // Which tests failed, by file and name: the lane runner repeats them at the very end of the
    // log, where a CI reader that keeps only the tail of a long log still sees them.
    const failures: string[] = [];
    for (const module of testModules) {
      const file = module.moduleId.replace(`${process.cwd()}/`, '');
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') {
          failedHere++;
          failures.push(`${file} > ${test.fullName}${why(test.result().errors)}`);
        } else skipped++;
      }
      // A file that failed outside its tests (a beforeAll, an import) counts once: its tests
      // show as skipped, and the line must not say 0 failed.
      if (module.state() === 'failed' && failedHere === 0) {
        failed++;
        // A failed beforeAll/afterAll leaves its error on the suite, an import error on the module.
        const errors = [module, ...module.children.allSuites()].flatMap((s) => s.errors());
        failures.push(`${file} (outside its tests)${why(errors)}`);
      } else failed += failedHere;
    }
    for (const error of unhandledErrors) failures.push(`unhandled error${why([error])}`);
    // The slowest files, so the CI log says where the minutes went (the budget is 60 of them).
    const slowest = testModules
      .map((m) => ({ file: m.moduleId.replace(`${process.cwd()}/`, ''), ms: m.diagnostic().duration }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 12)
      .filter((m) => m.ms >= 10_000);
    if (slowest.length) {
      process.stdout.write(
        `\nslowest files:\n${slowest.map((m) => `  ${(m.ms / 1000).toFixed(0).padStart(5)} s  ${m.file}`).join('\n')}\n`,
      );
    }
    process.stdout.write(
      `\nvitest: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (Node ${process.version})\n`,
    );
    const file = process.env.MSA_TEST_SUMMARY_FILE;
    if (file) {
      writeFileSync(
        file,
        `${JSON.stringify({ passed, failed, skipped, failures, node: process.version })}\n`,
      );
    }
  }
}
