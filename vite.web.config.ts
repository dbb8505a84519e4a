import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./desktop/renderer', import.meta.url));
const out = fileURLToPath(new URL('./dist/web', import.meta.url));
/** `npm run build:web -- --mode dev` or `vite --config vite.web.config.ts`: proxy to a running server. */
const devServer = process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:4780';

/**
 * The renderer built for the browser: the call server serves `dist/web` at `/` (the web console),
 * which is also how Playwright tests it here, where no Electron binary can be downloaded.
 */
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  // The manifest lists every file the build made: the server serves those and nothing else.
  build: { outDir: out, emptyOutDir: true, sourcemap: true, manifest: true },
  server: {
    proxy: {
      '/api': devServer,
      '/socket.io': { target: devServer, ws: true },
    },
  },
});
