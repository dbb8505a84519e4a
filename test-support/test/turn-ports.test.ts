import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTurnServer, type TurnServer } from '../turn';

/**
 * A port found free is free only until another process binds it: on loopback the tests' own
 * outgoing connections take ephemeral ports (a clean-clone run saw coturn's TLS port taken so).
 * The test TURN server starts again on other ports instead of failing the test it serves.
 */
describe('the test TURN server', () => {
  let turn: TurnServer | null = null;
  let taken: Server | null = null;
  afterEach(async () => {
    await turn?.stop();
    taken?.close();
    turn = null;
    taken = null;
  });

  const listen = async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    return server;
  };

  it('starts on another TLS port when the one it was to use was taken meanwhile', async () => {
    taken = await listen();
    const busy = (taken.address() as { port: number }).port;
    const probe = await listen();
    const free = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    turn = await startTurnServer({ tls: true, tlsPorts: [busy, free] });
    expect(turn.tls?.port).toBe(free);
  });
});
