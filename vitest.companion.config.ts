import { defineConfig } from 'vitest/config';
import { CountReporter } from './tools/swift-companion/src/count-reporter';

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
