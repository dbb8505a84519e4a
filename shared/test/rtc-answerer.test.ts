import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AnswererEffect,
  type AnswererInput,
  answererStep,
  initialAnswerer,
  type RtcCandidate,
} from '#shared/rtc-answerer';

const ICE = {
  iceServers: [{ urls: ['turn:turn.test:3478'], username: '1:phone', credential: 'c' }],
  iceTransportPolicy: 'all' as const,
  expiresAt: 1_000,
};
const sdp = (session: number, version: number) => `v=0\r\no=- ${session} ${version} IN IP4 127.0.0.1\r\n`;
const cand = (n: number): RtcCandidate => ({
  candidate: `candidate:${n} 1 udp 1 10.0.0.${n} 9 typ host`,
  sdpMid: '0',
  sdpMLineIndex: 0,
});

function run(inputs: AnswererInput[]): AnswererEffect[][] {
  let state = initialAnswerer();
  return inputs.map((input) => {
    const next = answererStep(state, input);
    state = next.state;
    return next.effects;
  });
}

describe('the phone answers the console’s offers', () => {
  it('an answered call: ICE servers first, early candidates wait for their offer, bye ends it', () => {
    const effects = run([
      { type: 'answered' },
      { type: 'signal', signal: { type: 'candidate', ...cand(1) } },
      { type: 'ice', ice: ICE },
      { type: 'signal', signal: { type: 'offer', sdp: 'offer-1' } },
      { type: 'remoteSet' },
      { type: 'localAnswer', sdp: 'answer-1' },
      { type: 'signal', signal: { type: 'candidate', ...cand(2) } },
      { type: 'signal', signal: { type: 'bye' } },
      { type: 'signal', signal: { type: 'candidate', ...cand(3) } },
    ]);
    expect(effects).toEqual([
      [{ type: 'fetchIce' }],
      [],
      [],
      [
        { type: 'createPeer', ice: ICE },
        { type: 'setRemoteOffer', sdp: 'offer-1' },
      ],
      [{ type: 'addCandidate', candidate: cand(1) }, { type: 'createAnswer' }],
      [{ type: 'send', signal: { type: 'answer', sdp: 'answer-1' } }],
      [{ type: 'addCandidate', candidate: cand(2) }],
      [{ type: 'closePeer' }, { type: 'endCall', reason: 'the console hung up' }],
      [],
    ]);
  });

  it('an ICE restart fetches fresh servers and renegotiates the same peer', () => {
    const effects = run([
      { type: 'signal', signal: { type: 'offer', sdp: 'offer-1' } },
      { type: 'ice', ice: ICE },
      { type: 'remoteSet' },
      { type: 'localAnswer', sdp: 'answer-1' },
      { type: 'signal', signal: { type: 'offer', sdp: 'restart' } },
      { type: 'signal', signal: { type: 'candidate', ...cand(4) } },
      { type: 'ice', ice: { ...ICE, expiresAt: 2_000 } },
      { type: 'remoteSet' },
      { type: 'localAnswer', sdp: 'answer-2' },
      { type: 'hangup' },
    ]);
    expect(effects.slice(4)).toEqual([
      [{ type: 'fetchIce' }],
      [],
      [
        { type: 'configure', ice: { ...ICE, expiresAt: 2_000 } },
        { type: 'setRemoteOffer', sdp: 'restart' },
      ],
      [{ type: 'addCandidate', candidate: cand(4) }, { type: 'createAnswer' }],
      [{ type: 'send', signal: { type: 'answer', sdp: 'answer-2' } }],
      [{ type: 'send', signal: { type: 'bye' } }, { type: 'closePeer' }],
    ]);
  });

  it('an offer from a new session (the console reloaded) replaces the peer instead of failing', () => {
    const effects = run([
      { type: 'answered' },
      { type: 'ice', ice: ICE },
      { type: 'signal', signal: { type: 'offer', sdp: sdp(1, 2) } },
      { type: 'remoteSet' },
      { type: 'localAnswer', sdp: 'answer-1' },
      { type: 'signal', signal: { type: 'offer', sdp: sdp(7, 2) } },
      { type: 'signal', signal: { type: 'candidate', ...cand(5) } },
      { type: 'ice', ice: ICE },
      { type: 'remoteSet' },
    ]);
    expect(effects.slice(5)).toEqual([
      [{ type: 'closePeer' }, { type: 'fetchIce' }],
      [],
      [
        { type: 'createPeer', ice: ICE },
        { type: 'setRemoteOffer', sdp: sdp(7, 2) },
      ],
      [{ type: 'addCandidate', candidate: cand(5) }, { type: 'createAnswer' }],
    ]);
  });
});

const inputArb: fc.Arbitrary<AnswererInput> = fc.oneof(
  fc.constant({ type: 'answered' as const }),
  fc.constant({ type: 'ice' as const, ice: ICE }),
  fc.constant({ type: 'iceUnavailable' as const }),
  fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 9 })).map(([session, version]) => ({
    type: 'signal' as const,
    signal: { type: 'offer' as const, sdp: sdp(session, version) },
  })),
  fc
    .integer({ min: 1, max: 99 })
    .map((n) => ({ type: 'signal' as const, signal: { type: 'candidate' as const, ...cand(n) } })),
  fc.constant({ type: 'signal' as const, signal: { type: 'bye' as const } }),
  fc.constant({ type: 'remoteSet' as const }),
  fc.constant({ type: 'localAnswer' as const, sdp: 'a' }),
  fc.constant({ type: 'negotiationFailed' as const, reason: 'x' }),
  fc.constant({ type: 'localCandidate' as const, candidate: cand(0) }),
  fc.constant({ type: 'hangup' as const }),
  fc.constant({ type: 'ended' as const }),
);

describe('answerer invariants over any order of events', () => {
  it('one live peer, ICE servers before it, candidates after their offer and in order, nothing after the end', () => {
    fc.assert(
      fc.property(fc.array(inputArb, { maxLength: 40 }), (inputs) => {
        let state = initialAnswerer();
        let live = false;
        let remoteSeen = false;
        let closed = false;
        let fetching = false;
        let servers = false;
        const received: RtcCandidate[] = [];
        const added: RtcCandidate[] = [];
        // Each candidate unique, so where it went can be told.
        for (const [n, input] of inputs.map((i, n) => [n, i] as const)) {
          if (input.type === 'signal' && input.signal.type === 'candidate') input.signal.candidate = `c${n}`;
          const { state: next, effects } = answererStep(state, input);
          state = next;
          if (closed) expect(effects).toEqual([]);
          if (input.type === 'remoteSet') remoteSeen = true;
          if (input.type === 'ice' || input.type === 'iceUnavailable') {
            fetching = false;
            servers = true;
          }
          if (input.type === 'signal' && input.signal.type === 'candidate' && !closed) {
            const { type: _type, ...c } = input.signal;
            received.push(c);
          }
          for (const effect of effects) {
            if (effect.type === 'createPeer') {
              expect(live).toBe(false);
              expect(servers).toBe(true);
              live = true;
            }
            if (effect.type === 'fetchIce') {
              expect(fetching).toBe(false);
              fetching = true;
            }
            if (effect.type === 'setRemoteOffer' || effect.type === 'configure') expect(live).toBe(true);
            if (effect.type === 'addCandidate') {
              expect(remoteSeen).toBe(true);
              added.push(effect.candidate);
            }
            if (effect.type === 'closePeer') {
              expect(live).toBe(true);
              live = false;
              remoteSeen = false;
            }
            if (effect.type === 'endCall') closed = true;
          }
          if (input.type === 'hangup' || input.type === 'ended') closed = true;
          if (closed) expect(live).toBe(false);
        }
        // Never reordered; only a new session drops what was sent for the old one.
        const keys = received.map((c) => c.candidate);
        const order = added.map((c) => keys.indexOf(c.candidate));
        expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
