import { preview } from 'vite';
import type { DemoServer } from './demo-server';

/**
 * Where the browser opens the console. The call server serves dist/web at `/`; a server that does
 * not (yet) gets the same build through Vite's preview server, proxying the API and the socket to
 * it, so the tests drive the identical bundle either way.
 */
export async function consoleUrlFor(server: DemoServer): Promise<{ url: string; close(): Promise<void> }> {
  const res = await fetch(`${server.url}/`).catch(() => null);
  const html = res?.ok ? await res.text() : '';
  if (html.includes('id="root"')) return { url: server.url, close: async () => undefined };
  const proxy = {
    '/api': server.url,
    '/socket.io': { target: server.url, ws: true },
  };
  const previewServer = await preview({
    configFile: 'vite.web.config.ts',
    // Silent: the proxy's connection errors while a test has stopped the server are expected.
    logLevel: 'silent',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, proxy },
  });
  const url = previewServer.resolvedUrls?.local[0]?.replace(/\/$/, '');
  if (!url) throw new Error('the Vite preview server did not report its URL');
  return {
    url,
    close: () => new Promise<void>((resolve) => previewServer.httpServer.close(() => resolve())),
  };
}
