import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call, RtcIce } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';
import { startTurnServer, type TurnServer } from '../../test-support/turn';
import { allocateOverTls } from '../../test-support/turn-client';

/**
 * Issue 25 item 9: networks that let only TLS out. The server offers `turns:` (TURN over TLS, port
 * 443 in production) beside UDP, with the same minted credentials; Debian's coturn, with its TLS
 * listener on a certificate of the test's own, allocates a relay for them over TLS.
 */
describe('TURN over TLS, beside UDP', () => {
  let turn: TurnServer;
  let h: Harness;
  let tls: NonNullable<TurnServer['tls']>;

  beforeAll(async () => {
    turn = await startTurnServer({ tls: true });
    tls = turn.tls!;
    h = await startHarness({
      apns: false,
      config: {
        ice: {
          stun: [],
          turn: [turn.url, tls.url],
          turnSecret: turn.secret,
          turnTtlMs: 600_000,
          policy: 'all',
        },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await turn?.stop();
  });

  const allocate = (ice: RtcIce, credential = ice.iceServers[0]!.credential!) =>
    allocateOverTls({
      port: tls.port,
      ca: tls.certificate,
      username: ice.iceServers[0]!.username!,
      credential,
    });

  it("offers turns: beside UDP to a call's parties, and coturn's TLS listener relays for their credentials", async () => {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const iphone = await h.phone(agent, ana.id, { token: false });
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await iphone.report(call.id, 'answered');

    for (const party of [agent, iphone]) {
      const ice = await party.ok<RtcIce>('rtc:ice', { callId: call.id });
      expect(ice.iceServers).toEqual([
        expect.objectContaining({ urls: [turn.url, `turns:127.0.0.1:${tls.port}?transport=tcp`] }),
      ]);
      const allocation = await allocate(ice);
      expect(allocation).toMatchObject({ ok: true, relayed: { address: '127.0.0.1' } });
      if (!allocation.ok) continue;
      expect(allocation.relayed.port).toBeGreaterThanOrEqual(turn.relayPorts.from);
      expect(allocation.relayed.port).toBeLessThanOrEqual(turn.relayPorts.to);
      expect(allocation.lifetimeS).toBeGreaterThan(0);
    }
  });

  it('gives the Network test its own credentials, which the TLS listener takes; a wrong one it refuses', async () => {
    const agent = await h.agent('bob', 'agent');
    const ice = await agent.ok<RtcIce>('network:ice', {});
    expect(ice.iceServers[0]?.username).toMatch(new RegExp(`^\\d+:${agent.agentId}$`));
    expect(ice.expiresAt! - h.clock.now()).toBeLessThanOrEqual(600_000);
    expect(await allocate(ice)).toMatchObject({ ok: true });
    expect(await allocate(ice, 'not the credential the server minted')).toEqual({
      ok: false,
      code: 401,
      reason: expect.any(String),
    });
  });
});
