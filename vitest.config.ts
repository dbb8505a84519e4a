import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'shared/test/**/*.test.ts',
      'server/test/**/*.test.ts',
      'tools/**/test/**/*.test.ts',
      'test-support/test/**/*.test.ts',
      'scripts/test/**/*.test.ts',
      'desktop/main/**/*.test.ts',
      'desktop/preload/**/*.test.ts',
      'desktop/renderer/src/**/*.test.ts',
    ],
    // Integration tests start real servers, real TLS and real databases: give them room on 2 cores.
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two at once: the tests mostly wait on sockets, databases and child processes, and vitest's
    // default (cores − 1) ran them one by one here: 521 s for the suite against 305 s with two.
    maxWorkers: 2,
    globalSetup: ['./vitest.global-setup.ts'],
    // Every frame the server's encoder makes from a call's JSON made once is compared with
    // Socket.IO's own (server/src/gateways/encoder.ts).
    env: { SWITCHBOARD_CHECK_FRAMES: '1' },
  },
});
