import { describe, expect, it } from 'vitest';
import type { ConsoleSnapshot } from '../preload/contract';
import { Attention } from './attention';
import { trayMenu } from './tray-menu';

const base: ConsoleSnapshot = {
  agent: 'Dana',
  connection: 'connected',
  call: null,
  ringing: [],
  rings: true,
  missed: [],
};
const ring = (callId: string, caller = 'Ana') => ({ callId, caller });

describe('notifications and the badge', () => {
  it('notifies a phone that turned Not ringing once per change, when the window is not in front', () => {
    const a = new Attention({ actionsSupported: false });
    const alert = { deviceId: 'd1', at: 5, title: 'Ana’s iPhone: Not ringing', body: 'Pushes are accepted…' };
    expect(a.update({ ...base, healthAlerts: [alert] }, false)).toEqual([
      { type: 'notify-health', deviceId: 'd1', title: alert.title, body: alert.body },
    ]);
    expect(a.update({ ...base, healthAlerts: [alert] }, false)).toEqual([]);
    // A later change of the same phone is a new alert; one the focused window shows is a banner only.
    expect(a.update({ ...base, healthAlerts: [{ ...alert, at: 9 }] }, false)).toHaveLength(1);
    expect(a.update({ ...base, healthAlerts: [{ ...alert, deviceId: 'd2' }] }, true)).toEqual([]);
  });

  it('notifies a ringing call when unfocused (with buttons on macOS), and closes it when it stops', () => {
    const mac = new Attention({ actionsSupported: true });
    expect(mac.update({ ...base, ringing: [ring('c1')] }, false)).toEqual([
      { type: 'notify-incoming', callId: 'c1', caller: 'Ana', withActions: true },
      { type: 'flash', on: true },
    ]);
    // Still ringing: not again.
    expect(mac.update({ ...base, ringing: [ring('c1')] }, false)).toEqual([]);
    expect(mac.update(base, false)).toEqual([
      { type: 'close-incoming', callId: 'c1' },
      { type: 'flash', on: false },
    ]);

    const linux = new Attention({ actionsSupported: false });
    expect(linux.update({ ...base, ringing: [ring('c2', 'Ben')] }, false)).toEqual([
      { type: 'notify-incoming', callId: 'c2', caller: 'Ben', withActions: false },
      { type: 'flash', on: true },
    ]);
  });

  it('stays quiet in a window that is not the softphone, and closes what it showed when it stops being one', () => {
    const a = new Attention({ actionsSupported: false });
    expect(a.update({ ...base, ringing: [ring('c1')], rings: false }, false)).toEqual([]);
    expect(a.update({ ...base, ringing: [ring('c2')] }, false)).toEqual([
      { type: 'notify-incoming', callId: 'c2', caller: 'Ana', withActions: false },
      { type: 'flash', on: true },
    ]);
    // "Use this window for calls" in another one, mid-ring.
    expect(a.update({ ...base, ringing: [ring('c2')], rings: false }, false)).toEqual([
      { type: 'close-incoming', callId: 'c2' },
      { type: 'flash', on: false },
    ]);
  });

  it('flashes the taskbar while a call rings in a window not focused, until it is focused', () => {
    const a = new Attention({ actionsSupported: false });
    expect(a.update({ ...base, ringing: [ring('c1')] }, true)).toEqual([]);
    // Minimized mid-ring: the next state the console reports starts the flash.
    expect(a.update({ ...base, ringing: [ring('c1')] }, false)).toEqual([{ type: 'flash', on: true }]);
    expect(a.focused()).toEqual([{ type: 'flash', on: false }]);
    expect(a.focused()).toEqual([]);
  });

  it('shows no notification for a call the focused window shows already', () => {
    const a = new Attention({ actionsSupported: true });
    expect(a.update({ ...base, ringing: [ring('c1')] }, true)).toEqual([]);
    expect(a.update({ ...base, missed: [{ callId: 'c1', caller: 'Ana', at: 1 }] }, true)).toEqual([
      { type: 'close-incoming', callId: 'c1' },
    ]);
    expect(a.missedCount).toBe(0);
  });

  it('counts missed calls on the badge until the window is focused, each call once', () => {
    const a = new Attention({ actionsSupported: false });
    a.update({ ...base, ringing: [ring('c1')] }, false);
    const missed = { callId: 'c1', caller: 'Ana', at: 1 };
    expect(a.update({ ...base, missed: [missed] }, false)).toEqual([
      { type: 'close-incoming', callId: 'c1' },
      { type: 'notify-missed', callId: 'c1', caller: 'Ana' },
      { type: 'badge', count: 1 },
      { type: 'flash', on: false },
    ]);
    expect(a.update({ ...base, missed: [missed] }, false)).toEqual([]);
    expect(
      a.update({ ...base, missed: [missed, { callId: 'c2', caller: 'Ben', at: 2 }] }, false).at(-1),
    ).toEqual({ type: 'badge', count: 2 });
    expect(a.focused()).toEqual([{ type: 'badge', count: 0 }]);
    expect(a.focused()).toEqual([]);
    // Dismissed from the console and shown again later: still the same call, not counted twice.
    expect(a.update({ ...base, missed: [missed] }, false)).toEqual([]);
  });
});

describe('the tray menu', () => {
  it('shows the connection and server, and offers Show, Sign out and Quit', () => {
    const { tooltip, items } = trayMenu(base, {
      mode: 'embedded',
      url: 'http://127.0.0.1:4780',
      embedded: null,
    });
    expect(tooltip).toBe('Switchboard · Connected as Dana');
    expect(items).toEqual([
      { label: 'Connected as Dana', enabled: false },
      { label: 'Server: this computer', enabled: false },
      { type: 'separator' },
      { label: 'Show Switchboard', enabled: true, action: { type: 'show' } },
      { label: 'Sign out', enabled: true, action: { type: 'command', command: { type: 'sign-out' } } },
      { label: 'Quit Switchboard', enabled: true, action: { type: 'quit' } },
    ]);
  });

  it('offers Accept and Decline for a ringing call, and Mute and Hang up for the live one', () => {
    const { tooltip, items } = trayMenu(
      {
        ...base,
        ringing: [ring('c1'), ring('c2', 'Ben')],
        call: { callId: 'c0', peer: 'Cleo', state: 'active', muted: true },
      },
      { mode: 'remote', url: 'https://calls.example.com', embedded: null },
    );
    expect(tooltip).toBe('Switchboard · Connected as Dana · Ana is calling · In a call with Cleo');
    expect(items.filter((i) => 'label' in i).map((i) => ('label' in i ? i.label : ''))).toEqual([
      'Connected as Dana',
      'Server: calls.example.com',
      'Ana is calling (+1 more)',
      'Accept',
      'Decline',
      'In a call with Cleo (muted)',
      'Unmute',
      'Hang up',
      'Show Switchboard',
      'Sign out',
      'Quit Switchboard',
    ]);
    expect(items).toContainEqual({
      label: 'Accept',
      enabled: true,
      action: { type: 'command', command: { type: 'accept', callId: 'c1' } },
    });
  });

  it('says when signed out, and why this computer’s server is not running', () => {
    const { items } = trayMenu(
      { ...base, agent: null, connection: 'signed-out' },
      { mode: 'embedded', url: null, embedded: { state: 'failed', error: 'port 4780 is already in use' } },
    );
    expect(items.slice(0, 2)).toEqual([
      { label: 'Signed out', enabled: false },
      { label: 'Server: this computer (not running: port 4780 is already in use)', enabled: false },
    ]);
    expect(items).toContainEqual({
      label: 'Sign out',
      enabled: false,
      action: { type: 'command', command: { type: 'sign-out' } },
    });
  });
});
