import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, SoftphoneStatus } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';

type Signal = { callId: string; signal: { type: string } };
const offer = { type: 'offer', sdp: 'v=0\r\n' };
const pageId = () => randomUUID().replace(/-/g, '');

/** Issue 26 item 2: one softphone per agent across their tabs and windows, chosen by the server. */
describe.each(ENGINES)('one softphone per agent, on %s', (engine) => {
  let h: Harness;
  let token: string;
  let agentId: string;
  beforeEach(async () => {
    h = await startHarness({ engine, apns: false });
    ({ token, agentId } = await h.login('alice'));
  });
  afterEach(async () => {
    await h.close();
  });

  /** A console page of alice's: its handshake names the page (and the one it replaced). */
  async function page(label: string, ids: { id?: string; previousId?: string } = {}) {
    const id = ids.id ?? pageId();
    const hello = { id, label, ...(ids.previousId ? { previousId: ids.previousId } : {}) };
    const client = await TestClient.connect(`${h.url}/agent`, { token, console: hello });
    await client.waitFor('roster:snapshot');
    return Object.assign(client, { pageId: id });
  }

  /** Whether the server lets this page send media (an unknown call is refused later, for that). */
  const mayCarryMedia = async (p: TestClient) => {
    const ack = await p.request('rtc:ice', { callId: randomUUID() });
    return ack.ok || ack.error.code !== 'FORBIDDEN';
  };

  /**
   * The status this page was last told (the server tells every page on each change). A request's
   * ack comes back on the same connection after anything the server emitted to the page before it,
   * so after the round trip every broadcast made so far has arrived; without it, another page's
   * ack could overtake this page's last broadcast.
   */
  const lastStatus = async (p: TestClient) => {
    await p.request('rtc:ice', { callId: randomUUID() });
    return p.eventsNamed<SoftphoneStatus>('softphone:changed').at(-1);
  };
  const toldSoftphone = (p: TestClient, id: string | null) =>
    p.waitFor<SoftphoneStatus>('softphone:changed', (s) => s.consoleId === id);

  async function answeredCall(agent: TestClient) {
    const ana = await agent.ok<{ id: string }>('staff:create', { name: 'Ana' });
    const phone = await h.phone(agent, ana.id, { token: false });
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(call.id, 'answered');
    return { phone, call };
  }

  it('makes the first page the softphone and tells every page, and a second page does not take it', async () => {
    const first = await page('Chrome on Linux');
    expect(await toldSoftphone(first, first.pageId)).toEqual({
      consoleId: first.pageId,
      label: 'Chrome on Linux',
      autoAnswer: false,
    });
    const second = await page('Desktop app');
    // The status reaches the new page before any call it would otherwise ring for.
    expect((await second.waitFor<SoftphoneStatus>('softphone:changed')).consoleId).toBe(first.pageId);
    await h.idle();
    expect((await lastStatus(first))?.consoleId).toBe(first.pageId);
  });

  it('relays the phone’s signals to the softphone only, and refuses media from another page', async () => {
    const first = await page('tab 1');
    const second = await page('tab 2');
    const { phone, call } = await answeredCall(first);

    await phone.ok('rtc:signal', { callId: call.id, signal: offer });
    await first.waitFor<Signal>('rtc:signal', (s) => s.callId === call.id);
    for (const event of ['rtc:signal', 'rtc:ice']) {
      const payload = event === 'rtc:ice' ? { callId: call.id } : { callId: call.id, signal: offer };
      expect(await second.request(event, payload)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', message: expect.stringContaining('Use this window for calls') },
      });
    }
    await h.idle();
    expect(second.eventsNamed('rtc:signal')).toEqual([]);
    expect(phone.eventsNamed('rtc:signal')).toEqual([]);
    // The call itself is every page's to see and control.
    expect(second.eventsNamed<{ call: Call }>('call:changed').some((c) => c.call.id === call.id)).toBe(true);
    expect((await second.request('call:mute', { callId: call.id, on: true })).ok).toBe(true);
  });

  it('moves the softphone to the page that takes it, mid-call, and its media follows', async () => {
    const first = await page('tab 1');
    const second = await page('tab 2');
    const { phone, call } = await answeredCall(first);

    const taken = await second.ok<SoftphoneStatus>('softphone:take', {});
    expect(taken).toMatchObject({ consoleId: second.pageId, label: 'tab 2' });
    await toldSoftphone(first, second.pageId);
    expect((await second.request('rtc:signal', { callId: call.id, signal: offer })).ok).toBe(true);
    await phone.waitFor<Signal>('rtc:signal', (s) => s.signal.type === 'offer');
    expect((await first.request('rtc:ice', { callId: call.id })).ok).toBe(false);
    await phone.ok('rtc:signal', { callId: call.id, signal: { type: 'answer', sdp: 'v=0\r\n' } });
    await second.waitFor<Signal>('rtc:signal', (s) => s.signal.type === 'answer');
    await h.idle();
    expect(first.eventsNamed('rtc:signal')).toEqual([]);
  });

  it('hands the softphone to the most recent other page when the softphone’s page closes', async () => {
    const first = await page('tab 1');
    h.clock.advance(1_000);
    const second = await page('tab 2');
    h.clock.advance(1_000);
    const third = await page('tab 3');
    first.close();
    await toldSoftphone(second, third.pageId);
    await toldSoftphone(third, third.pageId);
    third.close();
    await toldSoftphone(second, second.pageId);
  });

  it('gives it back to the same page reconnecting, and to the page a reload replaced, before the old socket closes', async () => {
    const first = await page('tab 1');
    const other = await page('tab 2');
    // The network dropped: socket.io reconnects with the page's own id while the server still
    // holds the old socket (it learns of its death only at the ping timeout).
    const again = await page('tab 1', { id: first.pageId });
    await h.idle();
    expect((await lastStatus(other))?.consoleId).toBe(first.pageId);
    expect(await mayCarryMedia(again)).toBe(true);
    expect(await mayCarryMedia(first)).toBe(false);
    // The old socket's close, when it comes, changes nothing.
    const told = other.eventsNamed('softphone:changed').length;
    first.close();
    await h.idle();
    expect(
      other
        .eventsNamed<SoftphoneStatus>('softphone:changed')
        .slice(told)
        .map((s) => s.consoleId),
    ).toEqual([]);

    // The tab reloads: a new page that names the one it replaced.
    const reloaded = await page('tab 1', { previousId: first.pageId });
    await toldSoftphone(other, reloaded.pageId);
    // Another new page naming no predecessor, or a stale one, does not take it.
    const stranger = await page('tab 3', { previousId: pageId() });
    await h.idle();
    expect((await lastStatus(stranger))?.consoleId).toBe(reloaded.pageId);
    again.close();
  });

  it('treats a console that names no page (an older one) as a page of its own', async () => {
    const old = await h.agent('alice');
    const status = await old.waitFor<SoftphoneStatus>('softphone:changed');
    expect(status.consoleId).toMatch(/^[0-9a-f-]{36}$/);
    const newer = await page('tab');
    await h.idle();
    expect((await lastStatus(newer))?.consoleId).toBe(status.consoleId);
  });

  it('keeps exactly one softphone when pages connect and take it at the same time', async () => {
    const pages = await Promise.all(Array.from({ length: 5 }, (_, i) => page(`tab ${i}`)));
    const takes = await Promise.all(pages.map((p) => p.ok<SoftphoneStatus>('softphone:take', {})));
    await h.idle();
    const final = (await lastStatus(pages[0]!))!.consoleId;
    // The last take to run won, and every page was told the same.
    expect(takes.map((t) => t.consoleId)).toContain(final);
    for (const p of pages) expect((await lastStatus(p))?.consoleId).toBe(final);
    const holders = await Promise.all(pages.map(mayCarryMedia));
    expect(holders.filter(Boolean)).toHaveLength(1);
    expect(pages[holders.indexOf(true)]!.pageId).toBe(final);
  });

  it('stores auto-answer per agent (off by default), tells every page, and keeps it', async () => {
    const first = await page('tab 1');
    const second = await page('tab 2');
    expect((await lastStatus(first))?.autoAnswer).toBe(false);
    const on = await second.ok<SoftphoneStatus>('softphone:configure', { autoAnswer: true });
    expect(on).toMatchObject({ autoAnswer: true, consoleId: first.pageId });
    await first.waitFor<SoftphoneStatus>('softphone:changed', (s) => s.autoAnswer);
    first.close();
    second.close();
    const later = await page('tab 3');
    expect((await later.waitFor<SoftphoneStatus>('softphone:changed')).autoAnswer).toBe(true);
    // Another agent's is their own.
    const { token: bobs } = await h.login('bob');
    const bob = await TestClient.connect(`${h.url}/agent`, { token: bobs });
    expect((await bob.waitFor<SoftphoneStatus>('softphone:changed')).autoAnswer).toBe(false);
    bob.close();
    expect(await h.storage.softphone.autoAnswer(agentId)).toBe(true);
  });
});
