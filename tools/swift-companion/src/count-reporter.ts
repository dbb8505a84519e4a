import type { Reporter, TestModule } from 'vitest/node';

/** The run's closing line, `N passed, N failed`, for CI's log (issue 28). */
export class CountReporter implements Reporter {
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
