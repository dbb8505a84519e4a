import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Call, httpRequest, type Snapshot, type VideoState } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';

/** Not a whole picture: the server checks the JPEG's markers and keeps the bytes as they came. */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);
const upload = { jpeg: JPEG.toString('base64'), width: 640, height: 480 };

describe.each(ENGINES)('snapshots of a call’s video, on %s (issue 27)', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine, apns: false });
  });
  afterEach(async () => {
    await h.close();
  });

  async function videoCall() {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const phone = await h.phone(agent, ana.id, { token: false, features: ['video'] });
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(call.id, 'answered');
    await phone.report(call.id, 'connected');
    return { agent, phone, call };
  }
  const take = (token: string, callId: string, body = upload) =>
    httpRequest(h.url, 'POST /api/calls/:callId/snapshots', { params: { callId }, body, token });

  it('kept with the call while video is on, listed for its history, downloaded whole by any agent', async () => {
    const { agent, phone, call } = await videoCall();
    expect(await take(agent.token, call.id)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await phone.ok<VideoState>('video:report', { callId: call.id, event: 'started' });

    const bob = await h.agent('bob', 'agent');
    expect(await take(bob.token, call.id)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const notJpeg = { ...upload, jpeg: Buffer.from('GIF89a...').toString('base64') };
    expect(await take(agent.token, call.id, notJpeg)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });

    const taken = await take(agent.token, call.id);
    if (!taken.ok) throw new Error(taken.error.message);
    expect(taken.data).toMatchObject({
      callId: call.id,
      agentId: agent.agentId,
      bytes: JPEG.length,
      width: 640,
    });
    const listed = await bob.ok<{ snapshots: Snapshot[] }>('video:snapshots', { callId: call.id });
    expect(listed.snapshots).toEqual([taken.data]);

    const file = await httpRequest(h.url, 'GET /api/snapshots/:snapshotId', {
      params: { snapshotId: taken.data.id },
      token: bob.token,
    });
    if (!file.ok) throw new Error(file.error.message);
    expect(file.data.type).toBe('image/jpeg');
    expect(Buffer.from(await file.data.arrayBuffer())).toEqual(JPEG);
    const anonymous = await httpRequest(h.url, 'GET /api/snapshots/:snapshotId', {
      params: { snapshotId: taken.data.id },
    });
    expect(anonymous).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    // After the call, no new ones; the taken one stays in its history.
    await agent.ok('call:hangup', { callId: call.id });
    expect(await take(agent.token, call.id)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(
      (await agent.ok<{ snapshots: Snapshot[] }>('video:snapshots', { callId: call.id })).snapshots,
    ).toHaveLength(1);
  });

  it('refused once an admin turns snapshots off', async () => {
    const { agent, phone, call } = await videoCall();
    await phone.ok('video:report', { callId: call.id, event: 'started' });
    await agent.ok('video:configure', { snapshots: false, maxKbps: 800 });
    const refused = await take(agent.token, call.id);
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/turned off/);
    expect(
      (await agent.ok<{ snapshots: Snapshot[] }>('video:snapshots', { callId: call.id })).snapshots,
    ).toEqual([]);
  });
});
