import { afterEach, describe, expect, it } from 'vitest';
import type { Call, CallQuality } from '#shared';
import type { ServerConfig } from '../../../server/src';
import { type ConsoleVoice, eventually, voiceFor } from '../../../test-support/console-voice';
import { type Harness, startHarness } from '../../../test-support/harness';
import { type LossyUdp, startLossyUdp } from '../../../test-support/lossy-udp';
import { startTurnServer, type TurnServer } from '../../../test-support/turn';
import { inProcessNetwork, VirtualPhone } from '../src';

type Changed = { call: Call };
type Page = { calls: Call[]; quality: Record<string, CallQuality> };

/**
 * Issue 25 item 8 over real WebRTC: the console's own VoiceController and a virtual phone, both
 * libwebrtc (@roamhq/wrtc), each summarising what it heard and reporting it to a real server.
 */
describe('how each call sounded, measured by both ends', () => {
  let h: Harness | null = null;
  let phone: VirtualPhone | null = null;
  let turn: TurnServer | null = null;
  let lossy: LossyUdp | null = null;
  const voices: ConsoleVoice[] = [];

  afterEach(async () => {
    for (const v of voices.splice(0)) v.close(false);
    await phone?.close();
    await h?.close();
    await lossy?.close();
    await turn?.stop();
    [phone, h, lossy, turn] = [null, null, null, null];
  });

  /** A call answered by a virtual phone with media, its voice running, held for `readings` seconds. */
  async function measuredCall(ice?: ServerConfig['ice'], readings = 6) {
    h = await startHarness(ice ? { config: { ice } } : {});
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    phone = new VirtualPhone({
      server: h.url,
      network: inProcessNetwork(h.emulator!),
      behaviour: { answerAfterMs: 0 },
      clock: h.clock,
      media: true,
    });
    const { code } = await agent.ok<{ code: string }>('pairing:create', { staffId: ana.id });
    await phone.pair(code);
    await phone.start();
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.answeredByDeviceId !== null,
    );
    const voice = voiceFor(agent, call.id);
    voices.push(voice);
    await voice.controller.start();
    // Audio both ways first (a lossy path takes a while to finish DTLS), then `readings` seconds
    // of it: readings come once a second, each a new quality object, and are the clock here.
    await eventually(
      async () =>
        (voice.listener?.frames ?? 0) > 0 && ((await phone!.mediaStats(call.id))?.packetsReceived ?? 0) > 0,
      'audio both ways',
      30_000,
    );
    const heard = () => new Set(voice.snapshots.map((s) => s.quality)).size;
    const before = heard();
    await voice.until(() => heard() >= before + readings, 30_000);
    await agent.ok('call:hangup', { callId: call.id });
    voice.close(false);
    const deviceId = phone.credentials!.deviceId;
    // Both ends' last words arrive as the call's media closes on each side; each reading counts
    // a second, and the phone's began with its peer, before the console's path was up.
    await eventually(
      async () => {
        const rows = await h!.storage.quality.forCalls([call.id]);
        const samples = (side: string) => rows.find((r) => r.side === side)?.summary.samples ?? 0;
        return samples('agent') >= readings && samples('phone') >= readings - 1;
      },
      'both ends to report on the call',
      15_000,
    );
    const page = await agent.ok<Page>('history:query', {});
    const quality = page.quality[call.id]!;
    const side = (name: 'agent' | 'phone') => quality.sides.find((s) => s.side === name)!;
    return { agent, call, quality, console: side('agent'), phone: side('phone'), deviceId };
  }

  it('a direct call on one machine sounds good both ways, and says so in history', async () => {
    const { quality, console: mine, phone: theirs, deviceId, agent, call } = await measuredCall();
    expect(quality.mark).toBe('good');
    expect(theirs.partyId).toBe(deviceId);
    for (const end of [mine, theirs]) {
      expect(end.summary.path).toEqual({ kind: 'direct', transport: 'udp' });
      expect(end.summary.packetsReceived).toBeGreaterThan(100);
      expect(end.summary.lossPct).toBeLessThan(1);
      expect(end.summary.rttMs!.avg).toBeLessThan(50);
      expect(end.summary.mos!.avg).toBeGreaterThan(4.2);
      expect(end.mark).toBe('good');
    }
    const good = await agent.ok<Page>('history:query', { quality: 'good' });
    expect(good.calls.map((c) => c.id)).toEqual([call.id]);
  });

  it('a lossy path to the relay (12% of datagrams dropped, 40 ms late) is marked poor, with the loss each end heard', async () => {
    turn = await startTurnServer();
    lossy = await startLossyUdp({ target: turn.port, loss: 0.12, delayMs: 40 });
    const {
      quality,
      console: mine,
      phone: theirs,
      agent,
      call,
    } = await measuredCall({
      stun: [],
      turn: [`turn:127.0.0.1:${lossy.port}?transport=udp`],
      turnSecret: turn.secret,
      turnTtlMs: 600_000,
      policy: 'relay',
    });
    expect(lossy.counts.dropped).toBeGreaterThan(50);
    expect(quality.mark).toBe('poor');
    for (const end of [mine, theirs]) {
      expect(end.summary.path).toEqual({ kind: 'turn', transport: 'udp' });
      // Both legs to the relay cross the lossy stretch: each way loses about 1 − 0.88² (23 %).
      expect(end.summary.lossPct).toBeGreaterThan(12);
      expect(end.summary.concealedPct).toBeGreaterThan(5);
      // Two legs of 40 ms each way: a round trip over 160 ms.
      expect(end.summary.rttMs!.avg).toBeGreaterThan(150);
      expect(end.summary.poorSeconds).toBeGreaterThan(0);
      expect(end.mark).toBe('poor');
    }
    const poor = await agent.ok<Page>('history:query', {
      quality: 'poor',
      from: call.createdAt - 7 * 86_400_000,
    });
    expect(poor.calls.map((c) => c.id)).toEqual([call.id]);
  }, 60_000);
});
