import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentClientEvents, type AgentServerEvents, agentAcks, ok, request } from '#shared';

describe('request', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  /** A bare Socket.IO server that answers `call:hangup` only when `answer` says so. */
  async function serve(answer: (payload: unknown) => boolean) {
    const http = createServer();
    const server = new Server(http);
    server.of('/agent').on('connection', (socket) => {
      socket.on('call:hangup', (payload, ack) => {
        if (answer(payload)) ack(ok({ seen: payload }));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const client: Socket<AgentServerEvents, AgentClientEvents> = io(`http://127.0.0.1:${port}/agent`, {
      transports: ['websocket'],
      forceNew: true,
    });
    closers.push(() => {
      client.close();
      server.close();
    });
    return client;
  }

  it('resolves with the ack the server sent', async () => {
    const client = await serve(() => true);
    const callId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    await expect(request(client, 'call:hangup', { callId })).resolves.toEqual({
      ok: true,
      data: { seen: { callId } },
    });
  });

  it('turns an ack that never comes into UNAVAILABLE, naming the request', async () => {
    const client = await serve(() => false);
    const ack = await request(
      client,
      'call:hangup',
      { callId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' },
      { timeoutMs: 50 },
    );
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(!ack.ok && ack.error.message).toMatch(/^call:hangup: no answer from the server within 50 ms/);
  });

  it('has an ack schema for every request of both namespaces', async () => {
    const { agentRequests, deviceRequests, deviceAcks } = await import('#shared');
    expect(Object.keys(agentAcks).sort()).toEqual(Object.keys(agentRequests).sort());
    expect(Object.keys(deviceAcks).sort()).toEqual(Object.keys(deviceRequests).sort());
  });
});
