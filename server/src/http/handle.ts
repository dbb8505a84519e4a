import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PairingService } from '../auth/pairing';
import type { Availability } from '../availability/service';
import type { Presence } from '../calls/ports';
import type { Logger } from '../ops/logger';
import type { TlsConfig } from './tls';

/** What callers of `createServer` get: no internals, only what they need. */
export function serverHandle(o: {
  http: HttpServer;
  tls: TlsConfig | undefined;
  presence: Presence;
  pairing: PairingService;
  availability: Pick<Availability, 'entry' | 'list'>;
  logger: Logger;
  endAll: (detail: string) => Promise<number>;
  idle: () => Promise<void>;
  close: () => Promise<void>;
}) {
  const { http, tls, pairing, idle } = o;
  let closing: Promise<void> | null = null;
  return {
    /** Who is connected right now (tests wait on it; the desktop app shows it). */
    presence: o.presence,
    /** Pairing codes for a staff member, as `pairing:create` makes them (the demo pairs its phones). */
    pairing: { create: (agentId: string, staffId: string) => pairing.create(agentId, staffId) },
    /** Agents' availability as consoles see it (tests, the soak's checks). */
    availability: {
      entry: (agentId: string) => o.availability.entry(agentId),
      list: () => o.availability.list(),
    },
    get url(): string {
      return baseUrl(http, tls);
    },
    async listen(port = 0, host = '127.0.0.1'): Promise<string> {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      o.logger.info({ url: baseUrl(http, tls) }, 'switchboard server listening');
      return baseUrl(http, tls);
    },
    /** Resolves once every request, push and roster update in flight has finished. */
    idle,
    /**
     * Ends every live call as `failed` with `detail`, parties told and cancels pushed, and resolves
     * once they have gone out. For a server that stops for good (the desktop app's embedded one);
     * a restarting server leaves them to `recover()` instead, which ends them the same way.
     */
    async endLiveCalls(detail: string): Promise<number> {
      const ended = await o.endAll(detail);
      await idle();
      return ended;
    },
    close(): Promise<void> {
      closing ??= o.close();
      return closing;
    },
  };
}

export function baseUrl(http: HttpServer, tls: TlsConfig | undefined): string {
  const scheme = tls ? 'https' : 'http';
  const address = http.address() as AddressInfo | null;
  if (!address) return `${scheme}://127.0.0.1`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
}
