import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The renderer's unit tests (pure modules: store reducers, words, rows), runnable on their own:
 * `npx vitest run --config desktop/renderer/vitest.config.ts`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: { include: ['desktop/renderer/src/**/*.test.ts'] },
});
