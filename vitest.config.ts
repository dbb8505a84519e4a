import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'shared/test/**/*.test.ts',
      'server/test/**/*.test.ts',
      'tools/**/test/**/*.test.ts',
      'test-support/test/**/*.test.ts',
      'desktop/main/**/*.test.ts',
      'desktop/preload/**/*.test.ts',
      'desktop/renderer/src/**/*.test.ts',
    ],
    // Not in `npm test` until it is reliable: a console on another node can miss the broadcast of a
    // call that ends just after a Redis restart (issue 14, open). `npm run test:redis-restart` runs it.
    exclude: process.env.SWITCHBOARD_REDIS_RESTART_TEST ? [] : ['server/test/cluster-redis-restart.test.ts'],
    // Integration tests start real servers, real TLS and real databases: give them room on 2 cores.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['./vitest.global-setup.ts'],
  },
});
