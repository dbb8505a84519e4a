import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The desktop app (`npm run build:desktop`, `electron-vite build`):
 * - main: the main process (out/main/index.js) and the embedded call server's process
 *   (out/main/embedded-server.js), ES modules; node_modules stay external (electron-builder ships
 *   them, with better-sqlite3 rebuilt for Electron).
 * - preload: one CommonJS file, dependencies bundled in: a sandboxed preload cannot import, and
 *   can require nothing but `electron` (out/preload/index.cjs).
 * - renderer: the same console as the web build (desktop/renderer), loaded from app://switchboard.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: at('./desktop/main/index.ts'),
          'embedded-server': at('./desktop/main/embedded/entry.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: at('./desktop/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: at('./desktop/renderer'),
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // The embedded server serves this folder to browsers too: only what the manifest lists.
      manifest: true,
      rollupOptions: { input: at('./desktop/renderer/index.html') },
    },
  },
});
