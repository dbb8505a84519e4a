import { describe, expect, it } from 'vitest';
import { createDesktopApi, type RendererIpc } from './api';
import type { DesktopCommand } from './contract';

/** An ipc that records what the API sends, and lets the test play main's side. */
function recordingIpc() {
  const calls: { kind: 'invoke' | 'send'; channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  const ipc: RendererIpc = {
    invoke: (channel, ...args) => {
      calls.push({ kind: 'invoke', channel, args });
      return Promise.resolve(`answer to ${channel}`) as never;
    },
    send: (channel, ...args) => {
      calls.push({ kind: 'send', channel, args });
    },
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener as (...a: unknown[]) => void);
      listeners.set(channel, set);
      return () => set.delete(listener as (...a: unknown[]) => void);
    },
  };
  const emit = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l(payload);
  };
  return { ipc, calls, emit };
}

const ARGV = [
  '/opt/Switchboard/switchboard',
  '--type=renderer',
  '--switchboard-server=http://127.0.0.1:4780',
];

describe('the preload API (window.api)', () => {
  it('is named functions only: nothing else crosses the bridge', () => {
    const api = createDesktopApi(recordingIpc().ipc, ARGV);
    for (const [name, value] of Object.entries(api)) expect(typeof value, name).toBe('function');
  });

  it('reads the server and mode from the window argv, defaulting to embedded', () => {
    const api = createDesktopApi(recordingIpc().ipc, ARGV);
    expect(api.serverUrl()).toBe('http://127.0.0.1:4780');
    expect(api.serverMode()).toBe('embedded');
    const remote = createDesktopApi(recordingIpc().ipc, [
      '--switchboard-mode=remote',
      '--switchboard-server=https://calls.example.com',
    ]);
    expect(remote.serverMode()).toBe('remote');
    expect(createDesktopApi(recordingIpc().ipc, ['--switchboard-server=']).serverUrl()).toBeNull();
  });

  it('sends each request on its contract channel with its arguments', async () => {
    const { ipc, calls } = recordingIpc();
    const api = createDesktopApi(ipc, ARGV);
    await api.ownerSession();
    await api.switchToRemoteServer('https://calls.example.com');
    await api.configureEmbeddedServer({ port: 4781, phonesOnNetwork: false });
    await api.saveApns({
      keyId: 'ABC123DEFG',
      teamId: 'TEAM123456',
      bundleId: 'com.example.app',
      environment: null,
    });
    expect(await api.aboutServer()).toBe('answer to server:about');
    api.reportConsole({
      agent: null,
      connection: 'signed-out',
      call: null,
      ringing: [],
      rings: false,
      missed: [],
    });
    expect(calls.map((c) => [c.kind, c.channel, ...c.args])).toEqual([
      ['invoke', 'session:owner'],
      ['invoke', 'server:use-remote', 'https://calls.example.com'],
      ['invoke', 'server:configure-embedded', { port: 4781, phonesOnNetwork: false }],
      [
        'invoke',
        'apns:save',
        { keyId: 'ABC123DEFG', teamId: 'TEAM123456', bundleId: 'com.example.app', environment: null },
      ],
      ['invoke', 'server:about'],
      [
        'send',
        'console:state',
        { agent: null, connection: 'signed-out', call: null, ringing: [], rings: false, missed: [] },
      ],
    ]);
  });

  it("passes main's commands to the listener until it unsubscribes", () => {
    const { ipc, emit } = recordingIpc();
    const api = createDesktopApi(ipc, ARGV);
    const got: DesktopCommand[] = [];
    const off = api.onCommand((c) => got.push(c));
    emit('desktop:command', { type: 'hangup' });
    off();
    emit('desktop:command', { type: 'answer' });
    expect(got).toEqual([{ type: 'hangup' }]);
  });
});
