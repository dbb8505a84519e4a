import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Call, VIDEO_REQUEST_TIMEOUT_MS, type VideoMarker, type VideoState } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';

type Changed = VideoState;
const isVideo =
  (state: VideoState['state'], reason: VideoState['reason'] = null) =>
  (v: Changed) =>
    v.state === state && v.reason === reason;

describe('video in a call: the server’s state, told to both parties (issue 27)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false });
  });
  afterEach(async () => {
    await h.close();
  });

  async function activeCall(features: string[] = ['video']) {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const phone = await h.phone(agent, ana.id, { token: false, features });
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(call.id, 'answered');
    await phone.report(call.id, 'connected');
    return { agent, ana, phone, call };
  }

  it('asks only a phone that announced video; a phone that did not is never asked', async () => {
    const { agent, phone, call } = await activeCall([]);
    const ack = await agent.request('video:request', { callId: call.id });
    expect(ack).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    if (!ack.ok) expect(ack.error.message).toMatch(/cannot send video/);
    await h.idle();
    expect(phone.eventsNamed('video:changed')).toEqual([]);
  });

  it('request → accepted → marker → stopped by the phone; then by the agent; both sides hear each step', async () => {
    const { agent, phone, call } = await activeCall();
    const callId = call.id;
    const asked = await agent.ok<VideoState>('video:request', { callId });
    expect(asked).toMatchObject({ state: 'requested', by: 'agent', snapshots: true, maxKbps: 1200 });
    await phone.waitFor<Changed>('video:changed', isVideo('requested'));

    // A marker before there is any video is refused: there is nothing to point at.
    expect(await agent.request('video:marker', { callId, x: 0.5, y: 0.5 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });

    const on = await phone.ok<VideoState>('video:report', { callId, event: 'accepted', camera: 'back' });
    expect(on).toMatchObject({ state: 'on', by: 'phone', camera: 'back' });
    await agent.waitFor<Changed>('video:changed', isVideo('on'));
    // The same report again is a replay: the same state, nothing new sent.
    expect(await phone.ok<VideoState>('video:report', { callId, event: 'accepted' })).toEqual(on);

    await agent.ok('video:marker', { callId, x: 0.25, y: 0.75 });
    const marker = await phone.waitFor<VideoMarker>('video:marker');
    expect(marker).toEqual({ callId, x: 0.25, y: 0.75, at: h.clock.now() });

    await phone.ok('video:report', { callId, event: 'paused' });
    await agent.waitFor<Changed>('video:changed', isVideo('paused'));
    await phone.ok('video:report', { callId, event: 'stopped' });
    const stopped = await agent.waitFor<Changed>('video:changed', isVideo('off', 'stopped'));
    expect(stopped).toMatchObject({ by: 'phone', camera: null });

    // Staff start it again themselves; the agent stops it.
    await phone.ok('video:report', { callId, event: 'started', camera: 'front' });
    await agent.waitFor<Changed>('video:changed', (v) => v.state === 'on' && v.camera === 'front');
    await agent.ok('video:camera', { callId, on: true });
    await phone.waitFor<Changed>('video:changed', (v) => v.agentCamera);
    // A console that connects (a reload) is told the call's video at once.
    const again = await h.agent('alice');
    await again.waitFor<Changed>('video:changed', (v) => v.callId === callId && v.agentCamera);
    const off = await agent.ok<VideoState>('video:stop', { callId });
    expect(off).toMatchObject({ state: 'off', by: 'agent', reason: 'stopped', agentCamera: false });
    await phone.waitFor<Changed>('video:changed', (v) => v.state === 'off' && v.by === 'agent');
  });

  it('a phone that reconnects is told its calls’ video: a stop it missed while away reaches it', async () => {
    const { agent, phone, call } = await activeCall();
    const callId = call.id;
    await agent.ok('video:request', { callId });
    await phone.ok('video:report', { callId, event: 'accepted', camera: 'back' });
    phone.close();
    // The agent stops it while the phone's socket is down (within the reconnect grace).
    await agent.ok('video:stop', { callId });
    const back = await TestClient.connect(`${h.url}/device`, {
      deviceId: phone.deviceId,
      secret: phone.deviceSecret,
      features: ['video'],
    });
    try {
      const told = await back.waitFor<Changed>('video:changed', (v) => v.callId === callId);
      expect(told).toMatchObject({ state: 'off', by: 'agent', reason: 'stopped', camera: null });
    } finally {
      back.close();
    }
  });

  it('a request lapses unanswered after its timeout, or is declined, or withdrawn', async () => {
    const { agent, phone, call } = await activeCall();
    const callId = call.id;
    await agent.ok('video:request', { callId });
    await phone.waitFor<Changed>('video:changed', isVideo('requested'));
    h.clock.advance(VIDEO_REQUEST_TIMEOUT_MS - 1);
    await h.idle();
    expect(phone.eventsNamed<Changed>('video:changed').map((v) => v.state)).toEqual(['requested']);
    h.clock.advance(1);
    await phone.waitFor<Changed>('video:changed', isVideo('off', 'unanswered'));
    // Accepting a request that lapsed changes nothing.
    expect(await phone.request('video:report', { callId, event: 'accepted' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });

    await agent.ok('video:request', { callId });
    await phone.ok('video:report', { callId, event: 'declined' });
    await agent.waitFor<Changed>('video:changed', isVideo('off', 'declined'));

    await agent.ok('video:request', { callId });
    await agent.ok('video:stop', { callId });
    await phone.waitFor<Changed>('video:changed', isVideo('off', 'cancelled'));
    // The withdrawn request's timer is gone: nothing more comes when it would have fired.
    h.clock.advance(VIDEO_REQUEST_TIMEOUT_MS);
    await h.idle();
    expect(phone.eventsNamed<Changed>('video:changed').at(-1)).toMatchObject({ reason: 'cancelled' });
  });

  it('only the call’s own agent and phone; hold stops video; the end forgets it', async () => {
    const { agent, phone, ana, call } = await activeCall();
    const callId = call.id;
    const other = await h.agent('bob');
    expect(await other.request('video:request', { callId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const ipad = await h.phone(agent, ana.id, { token: false, features: ['video'] });
    expect(await ipad.request('video:report', { callId, event: 'started' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    await phone.ok('video:report', { callId, event: 'started' });
    await agent.ok('call:hold', { callId, on: true });
    await phone.waitFor<Changed>('video:changed', isVideo('off', 'held'));
    expect(await agent.request('video:request', { callId })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });
    await agent.ok('call:hold', { callId, on: false });
    await agent.ok('video:request', { callId });
    await agent.ok('call:hangup', { callId });
    expect(await phone.request('video:report', { callId, event: 'accepted' })).toMatchObject({
      ok: false,
      error: { code: 'CALL_ENDED' },
    });
  });

  it('team settings: admins turn snapshots off and cap the bitrate; calls carry them; agents may not', async () => {
    const { agent, phone, call } = await activeCall();
    const plain = await h.agent('carol', 'agent');
    expect(await plain.request('video:configure', { snapshots: false, maxKbps: 500 })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await agent.request('video:configure', { snapshots: false, maxKbps: 100 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    await agent.ok('video:request', { callId: call.id });
    await agent.ok('video:configure', { snapshots: false, maxKbps: 500 });
    await plain.waitFor('video:configured', (s: { maxKbps: number }) => s.maxKbps === 500);
    await phone.waitFor<Changed>('video:changed', (v) => v.maxKbps === 500 && !v.snapshots);
    expect(await plain.ok('video:settings', {})).toEqual({ snapshots: false, maxKbps: 500 });
  });
});
