import { pino } from 'pino';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';

/**
 * Issue 20 item 2: `trustProxy` decides the client's address for Socket.IO as for HTTP. A console
 * socket's address is what the log names when the server closes it; behind a trusted proxy that is
 * the client the proxy forwards, otherwise the peer whatever X-Forwarded-For claims.
 */
describe('the address of a console socket', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  async function closedConsoleAddress(trustProxy: string[]): Promise<unknown> {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    h = await startHarness({ apns: false, logger, config: { trustProxy } });
    const { token } = await h.login('alice');
    const socket = io(`${h.url}/agent`, {
      auth: { protocol: PROTOCOL_VERSION, token },
      transports: ['websocket'],
      extraHeaders: { 'x-forwarded-for': '203.0.113.7' },
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    const out = await fetch(`${h.url}/api/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(out.status).toBe(204);
    await closed;
    socket.close();
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'closing a console socket');
    return line?.address;
  }

  it('is the peer by default: X-Forwarded-For from an untrusted peer is ignored', async () => {
    expect(await closedConsoleAddress([])).toBe('127.0.0.1');
  });

  it('is the forwarded client behind a trusted proxy', async () => {
    expect(await closedConsoleAddress(['127.0.0.1'])).toBe('203.0.113.7');
  });
});
