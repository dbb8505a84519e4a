import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const mainEntry = at('./desktop/main/index.ts');
const preloadEntry = at('./desktop/preload/index.ts');

/**
 * The Electron build: the same renderer as the web console (desktop/renderer), plus the main and
 * preload processes. Those two come with the Electron shell (the next issue); until their entry
 * files exist this config builds the renderer alone, which is what `electron-vite build` can do
 * on a machine without the Electron binary.
 */
export default defineConfig({
  ...(existsSync(mainEntry) ? { main: { build: { outDir: 'out/main', lib: { entry: mainEntry } } } } : {}),
  ...(existsSync(preloadEntry)
    ? { preload: { build: { outDir: 'out/preload', lib: { entry: preloadEntry } } } }
    : {}),
  renderer: {
    root: at('./desktop/renderer'),
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: at('./desktop/renderer/index.html') },
    },
  },
});
