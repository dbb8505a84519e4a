import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest, type VideoState } from '#shared';
import { harnessFromEnv } from '../src/bridge';
import type { SwiftPhone } from '../src/phones';
import { type Outcome, type PhoneKind, Stage } from '../src/stage';

const harness = harnessFromEnv();
const log = process.env.SWITCHBOARD_COMPANION_LOG ? (line: string) => console.log(line) : undefined;

/** A scenario: what happens, then what it must end as. Run with each phone. */
type Scenario = (s: Stage) => Promise<Outcome>;

const ended = (s: Stage, id: string) => s.changed(id, 'ended');

/** The cancel-ack grace (1 s on the injected clock) passes: a phone that acknowledged gets no push. */
async function graceOver(s: Stage): Promise<void> {
  await s.phone.probe();
  await s.h.idle();
  s.h.clock.advance(1_000);
  await s.h.idle();
}

/** One call as it ended: the reason is the server's, the phone's leg's and the phone's own. */
const call = (endReason: string, reports: string[], sent: string[], pushes: string[]) => ({
  state: 'ended',
  endReason,
  leg: endReason,
  reports,
  sent,
  pushes,
});

const SCENARIOS: Record<string, { run: Scenario; expected: Outcome }> = {
  'pairing: paired, token and microphone on the roster': {
    async run(s) {
      const device = await s.h.storage.devices.get(s.phone.deviceId);
      return s.outcome({ token: device?.voipToken === s.phone.voipToken, microphone: device?.microphone });
    },
    expected: { phone: [], calls: [], extra: { token: true, microphone: 'granted' } },
  },
  'push, ring, answer, connected; the agent hangs up': {
    async run(s) {
      s.phone.person({ answerAfterMs: 0 });
      const call = await s.place();
      await s.consoleOffers(call.id);
      await s.agent.ok('call:hangup', { callId: call.id });
      await ended(s, call.id);
      return s.outcome();
    },
    expected: {
      phone: ['completed'],
      calls: [call('completed', ['reported', 'answered'], ['reported', 'answered', 'connected'], ['call'])],
    },
  },
  'push, ring, answer, connected; the phone hangs up': {
    async run(s) {
      s.phone.person({ answerAfterMs: 0 });
      const call = await s.place();
      await s.consoleOffers(call.id);
      s.phone.hangup(call.id);
      await ended(s, call.id);
      return s.outcome();
    },
    expected: {
      phone: ['completed'],
      calls: [
        call(
          'completed',
          ['reported', 'answered', 'hangup', 'ended'],
          ['reported', 'answered', 'connected', 'ended'],
          ['call'],
        ),
      ],
    },
  },
  decline: {
    async run(s) {
      s.phone.person({ declineAfterMs: 0 });
      const call = await s.place();
      await ended(s, call.id);
      return s.outcome();
    },
    expected: {
      phone: ['declined'],
      calls: [call('declined', ['reported', 'declined', 'ended'], ['reported', 'ended:declined'], ['call'])],
    },
  },
  'missed: nobody answers, the socket is down, the cancel push ends it': {
    async run(s) {
      const call = await s.place();
      await s.phone.rings(call.id);
      await s.agent.waitFor(
        'call:changed',
        (p: { call: { id: string; timeline: { event: string }[] } }) =>
          p.call.id === call.id && p.call.timeline.some((e) => e.event === 'reported'),
      );
      s.link.cut();
      s.h.clock.advance(45_000);
      await ended(s, call.id);
      await graceOver(s);
      const reason = await s.phone.ended(call.id);
      s.link.restore();
      return { ...(await s.outcome()), phone: [reason] };
    },
    expected: { phone: ['missed'], calls: [call('missed', ['reported'], ['reported'], ['call', 'cancel'])] },
  },
  'cancelled over the socket while ringing: acknowledged, no cancel push': {
    async run(s) {
      const call = await s.place();
      await s.phone.rings(call.id);
      await s.agent.waitFor(
        'call:changed',
        (p: { call: { id: string; timeline: { event: string }[] } }) =>
          p.call.id === call.id && p.call.timeline.some((e) => e.event === 'reported'),
      );
      await s.agent.ok('call:hangup', { callId: call.id });
      await s.phone.ended(call.id);
      await graceOver(s);
      return s.outcome();
    },
    expected: { phone: ['cancelled'], calls: [call('cancelled', ['reported'], ['reported'], ['call'])] },
  },
  'server restart mid-ring: the call ends as failed on the phone': {
    async run(s) {
      const call = await s.place();
      await s.phone.rings(call.id);
      await s.agent.waitFor(
        'call:changed',
        (p: { call: { id: string; timeline: { event: string }[] } }) =>
          p.call.id === call.id && p.call.timeline.some((e) => e.event === 'reported'),
      );
      await s.h.idle();
      await s.restart();
      await s.phone.ended(call.id);
      return s.outcome();
    },
    expected: {
      phone: ['failed'],
      calls: [call('failed', ['reported'], ['reported'], ['call', 'cancel'])],
    },
  },
  'the phone calls the console: accepted, connected, the phone hangs up': {
    async run(s) {
      const id = await s.phone.placeCall();
      s.track(id);
      await s.agent.waitFor('call:incoming', (p: { call: { id: string } }) => p.call.id === id);
      await s.agent.ok('call:accept', { callId: id });
      await s.consoleOffers(id);
      s.phone.hangup(id);
      await ended(s, id);
      return s.outcome();
    },
    expected: {
      phone: ['completed'],
      calls: [call('completed', ['placed', 'hangup', 'ended'], ['connected', 'ended'], [])],
    },
  },
  'answer before CallKit completes the report': {
    async run(s) {
      s.phone.person({ answerAfterMs: 0, reportDelayMs: 1_500 });
      const call = await s.place();
      await s.consoleOffers(call.id);
      await s.agent.ok('call:hangup', { callId: call.id });
      await ended(s, call.id);
      return s.outcome();
    },
    expected: {
      phone: ['completed'],
      calls: [call('completed', ['reported', 'answered'], ['reported', 'answered', 'connected'], ['call'])],
    },
  },
  'answer while the socket is down: reported once it is back, with TURN for the media': {
    async run(s) {
      s.link.cut();
      const call = await s.place();
      const id = await s.phone.rings(call.id);
      s.phone.answer(id);
      s.link.restore();
      await s.consoleOffers(call.id);
      await s.agent.ok('call:hangup', { callId: call.id });
      await ended(s, call.id);
      const turn =
        s.kind === 'swift'
          ? (s.phone as SwiftPhone).bridge.lines.some(
              (l) =>
                l.type === 'media' &&
                l.event === 'ice' &&
                l.fromServer === true &&
                (l.urls as string[]).some((u) => u.startsWith('turn:')),
            )
          : true;
      return s.outcome({ turn });
    },
    expected: {
      phone: ['completed'],
      calls: [call('completed', ['reported', 'answered'], ['reported', 'answered', 'connected'], ['call'])],
      extra: { turn: true },
    },
  },
  'unpair from the phone: the server forgets it and rings it no more': {
    async run(s) {
      const unpaired = await s.phone.unpair();
      await s.h.idle();
      const device = await s.h.storage.devices.get(s.phone.deviceId);
      const call = await s.agent.ok<{ endReason: string | null }>('call:place', { staffId: s.staffId });
      return s.outcome({
        unpaired,
        forgotten: device === null,
        rang: call.endReason,
      });
    },
    expected: {
      phone: [],
      calls: [],
      extra: { unpaired: true, forgotten: true, rang: 'unreachable' },
    },
  },
  'token refresh: the next call is pushed to the new token': {
    async run(s) {
      const old = s.phone.voipToken;
      await s.phone.rotateToken();
      s.phone.person({ declineAfterMs: 0 });
      const call = await s.place();
      await ended(s, call.id);
      const toNew = s.h.emulator!.requests({ token: s.phone.voipToken }).length;
      const toOld = s.h.emulator!.requests({ token: old }).length;
      return s.outcome({ toNew, toOld });
    },
    expected: {
      phone: ['declined'],
      calls: [call('declined', ['reported', 'declined', 'ended'], ['reported', 'ended:declined'], ['call'])],
      extra: { toNew: 1, toOld: 0 },
    },
  },
  'video: the agent asks, the phone accepts, the agent stops; the voice call goes on': {
    async run(s) {
      s.phone.person({ answerAfterMs: 0, video: 'accept' });
      const call = await s.place();
      await s.consoleOffers(call.id);
      const on = s.agent.waitFor<VideoState>(
        'video:changed',
        (v) => v.callId === call.id && v.state === 'on',
      );
      const asked = await s.agent.ok<VideoState>('video:request', { callId: call.id });
      const accepted = await on;
      const stopped = await s.agent.ok<VideoState>('video:stop', { callId: call.id });
      const live = (await s.h.storage.calls.get(call.id))?.state;
      await s.agent.ok('call:hangup', { callId: call.id });
      await ended(s, call.id);
      return s.outcome({
        asked: asked.state,
        accepted: [accepted.by, accepted.camera],
        stopped: [stopped.state, stopped.reason, stopped.by],
        live,
        video: s.phone.sentVideo(call.id),
      });
    },
    expected: {
      phone: ['completed'],
      calls: [call('completed', ['reported', 'answered'], ['reported', 'answered', 'connected'], ['call'])],
      extra: {
        asked: 'requested',
        accepted: ['phone', 'back'],
        stopped: ['off', 'stopped', 'agent'],
        live: 'active',
        video: ['accepted:back'],
      },
    },
  },
  'directory update: the phone fetches the new version': {
    async run(s) {
      const res = await httpRequest(s.h.url, 'PUT /api/directory', {
        token: s.agent.token,
        body: { entries: [{ number: '+15551230001', label: 'Front desk', blocked: false }], baseVersion: 0 },
      });
      if (!res.ok) throw new Error(`the directory save failed: ${res.error.code} ${res.error.message}`);
      const { version } = res.data;
      return s.outcome({ fetched: (await s.phone.directory(version)) === version });
    },
    expected: { phone: [], calls: [], extra: { fetched: true } },
  },
};

// Not in the default `vitest run`: it needs the Swift harness, which `npm run test:companion`
// builds (scripts/swift-test.sh --companion) and names in SWITCHBOARD_COMPANION_HARNESS.
describe.skipIf(!harness)('the Swift companion and the virtual phone against the real server', () => {
  const stages: Stage[] = [];
  afterEach(async () => {
    for (const s of stages.splice(0)) await s.close();
  });

  const play = async (kind: PhoneKind, run: Scenario) => {
    const stage = await Stage.start(kind, harness, log);
    stages.push(stage);
    return run(stage);
  };

  for (const [name, { run, expected }] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      const swift = await play('swift', run);
      const virtual = await play('virtual', run);
      log?.(JSON.stringify({ swift, virtual }, null, 1));
      expect(swift, 'the Swift companion').toEqual(expected);
      // Both phones end it alike: state, end reason, reports sent.
      expect(virtual, 'the virtual phone ended it differently from the Swift companion').toEqual(swift);
    });
  }
});
