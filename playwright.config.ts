import { defineConfig, devices } from '@playwright/test';

/**
 * The `web` project: the console built for the browser (`npm run build:web`, served by the call
 * server at `/`) in Debian's Chromium, against a real demo server and real virtual phones.
 * Playwright cannot download browsers on these machines, so it drives /usr/bin/chromium.
 */
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The workers' demo servers compare every frame made from a call's JSON made once with Socket.IO's
// own (server/src/gateways/encoder.ts), as the vitest suite's do.
process.env.SWITCHBOARD_CHECK_FRAMES ??= '1';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // Each worker runs its own demo server: two fit on a 2-core machine, CI's included (one worker
  // took 8 of CI's 20 minutes; two passed every spec at a load average of 27).
  workers: 2,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  globalSetup: './e2e/support/global-setup.ts',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
  },
  projects: [
    {
      name: 'web',
      testIgnore: /electron\.spec\.ts/,
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 800 },
        launchOptions: {
          executablePath: chromium,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--autoplay-policy=no-user-gesture-required',
            // A fake microphone (a beep twice a second) granted without a prompt: calls have a voice.
            '--use-fake-device-for-media-stream',
            '--use-fake-ui-for-media-stream',
          ],
        },
      },
    },
    {
      // The built desktop app through `_electron.launch`; skipped, with the reason, where the
      // Electron binary is missing (these machines: ../shared/TOOLCHAIN.md).
      name: 'electron',
      testMatch: /electron\.spec\.ts/,
    },
  ],
});
