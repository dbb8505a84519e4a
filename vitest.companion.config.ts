import { defineConfig } from 'vitest/config';
import type { Reporter, TestModule } from 'vitest/node';

/** The run's closing line, `N passed, N failed`, for CI's log (issue 28). */
class CountReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
      }
    }
    // A module that failed to load has no tests to count, but is a failure.
    failed += modules.filter((m) => m.state() === 'failed' && m.children.size === 0).length;
    console.log(`${passed} passed, ${failed} failed`);
  }
}

/**
 * `npm run test:companion`: the Swift companion's scenarios against the real server, next to the
 * virtual phone (tools/swift-companion). Run through scripts/swift-test.sh --companion, which
 * builds the harness; not part of `vitest run`, which has no Swift toolchain to count on.
 */
export default defineConfig({
  test: {
    include: ['tools/swift-companion/scenarios/**/*.scenario.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One scenario at a time: each spawns the Swift harness, and only 2 cores are shared.
    fileParallelism: false,
    reporters: ['default', new CountReporter()],
  },
});
