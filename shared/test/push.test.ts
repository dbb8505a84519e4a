import { describe, expect, it } from 'vitest';
import {
  buildCallPush,
  buildCancelPush,
  encodePushBody,
  isStale,
  PROTOCOL_VERSION,
  PushPayloadTooLargeError,
  parsePushPayload,
  VOIP_PAYLOAD_LIMIT,
} from '#shared';

const callId = '6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41';
const base = {
  callId,
  handle: '+15551234567',
  callerName: 'Support · Alice',
  video: false,
  sentAt: 1_800_000_000_000,
  ringUntil: 1_800_000_045_000,
};

describe('protocol version', () => {
  it('is pinned: bumping it must come with new fixtures and a Swift update', () => {
    expect(PROTOCOL_VERSION).toBe(2);
  });
});

describe('VoIP push payloads', () => {
  it('builds a call push under the switchboard key with no aps alert', () => {
    const body = buildCallPush(base);
    expect(JSON.parse(body)).toEqual({ switchboard: { v: 2, kind: 'call', ...base } });
    expect(body).not.toContain('"aps"');
  });

  it('round-trips call and cancel pushes through the parser', () => {
    const call = parsePushPayload(buildCallPush(base));
    expect(call).toEqual({ ok: true, push: { v: 2, kind: 'call', ...base } });
    const cancel = parsePushPayload(buildCancelPush({ callId, reason: 'cancelled' }));
    expect(cancel).toEqual({ ok: true, push: { v: 2, kind: 'cancel', callId, reason: 'cancelled' } });
  });

  it('refuses a body over 5120 bytes with a message that says what to do', () => {
    const exactly = { pad: 'x'.repeat(VOIP_PAYLOAD_LIMIT - '{"pad":""}'.length) };
    expect(Buffer.byteLength(encodePushBody(exactly))).toBe(VOIP_PAYLOAD_LIMIT);
    // Bytes, not characters: one more 2-byte 'é' in place of an 'x' tips it over.
    const over = { pad: `é${exactly.pad.slice(1)}` };
    expect(() => encodePushBody(over)).toThrow(PushPayloadTooLargeError);
    expect(() => encodePushBody(over)).toThrow(/5121 bytes; APNs accepts at most 5120/);
  });

  it('parses an oversized body as a failure, not a crash', () => {
    const raw = JSON.stringify({ switchboard: { pad: 'x'.repeat(VOIP_PAYLOAD_LIMIT) } });
    expect(parsePushPayload(raw)).toEqual({
      ok: false,
      error: 'payload larger than 5120 bytes',
      callId: null,
    });
  });

  it('rejects schema-breaking content when building', () => {
    expect(() => buildCallPush({ ...base, callId: 'nope' })).toThrow();
    expect(() => buildCallPush({ ...base, callerName: 'x'.repeat(121) })).toThrow();
  });

  it('never throws on garbage and keeps a readable call id', () => {
    for (const raw of [null, 42, 'not json', '{}', [], { switchboard: null }]) {
      const r = parsePushPayload(raw);
      expect(r.ok).toBe(false);
    }
    const r = parsePushPayload({ switchboard: { v: 1, kind: 'call', callId } });
    expect(r).toMatchObject({ ok: false, callId });
    if (!r.ok) expect(r.error).toMatch(/^switchboard\.v:/);
  });

  it('calls a push stale once its ring window has passed since it arrived, whatever the phone clock says', () => {
    const push = { v: 2 as const, kind: 'call' as const, ...base };
    const window = base.ringUntil - base.sentAt;
    // A phone whose clock runs an hour ahead still rings.
    const arrived = base.sentAt + 3_600_000;
    expect(isStale(push, arrived, arrived)).toBe(false);
    expect(isStale(push, arrived, arrived + window - 1)).toBe(false);
    expect(isStale(push, arrived, arrived + window)).toBe(true);
    // A push with no window left (ringUntil ≤ sentAt) is stale on arrival.
    expect(isStale({ sentAt: 10, ringUntil: 10 }, 99, 99)).toBe(true);
  });
});
