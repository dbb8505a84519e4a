import type { ConsoleSnapshot, DesktopCommand } from '../preload/contract';
import type { EmbeddedStatus } from './embedded/controller';

export type TrayAction = { type: 'show' } | { type: 'quit' } | { type: 'command'; command: DesktopCommand };

export type TrayItem = { type: 'separator' } | { label: string; enabled: boolean; action?: TrayAction };

export interface ServerSummary {
  mode: 'embedded' | 'remote';
  url: string | null;
  embedded: Pick<EmbeddedStatus, 'state' | 'error'> | null;
}

/**
 * The tray icon's menu and tooltip: connection, server, the ringing or live call with what can
 * be done about it, then Show, Sign out, Quit. Built from state alone, so it is tested as data.
 */
export function trayMenu(
  snapshot: ConsoleSnapshot,
  server: ServerSummary,
): { tooltip: string; items: TrayItem[] } {
  const status = connectionLabel(snapshot);
  const items: TrayItem[] = [
    { label: status, enabled: false },
    { label: serverLabel(server), enabled: false },
  ];
  const ringing = snapshot.ringing[0];
  if (ringing) {
    const more = snapshot.ringing.length > 1 ? ` (+${snapshot.ringing.length - 1} more)` : '';
    items.push(
      { type: 'separator' },
      { label: `${ringing.caller} is calling${more}`, enabled: false },
      { label: 'Accept', enabled: true, action: command({ type: 'accept', callId: ringing.callId }) },
      { label: 'Decline', enabled: true, action: command({ type: 'decline', callId: ringing.callId }) },
    );
  }
  if (snapshot.call) {
    const { peer, state, muted } = snapshot.call;
    items.push(
      { type: 'separator' },
      { label: `${callLabel(state)} ${peer}${muted ? ' (muted)' : ''}`, enabled: false },
      {
        label: muted ? 'Unmute' : 'Mute',
        enabled: state === 'active',
        action: command({ type: 'toggle-mute' }),
      },
      { label: 'Hang up', enabled: true, action: command({ type: 'hangup' }) },
    );
  }
  items.push(
    { type: 'separator' },
    { label: 'Show Switchboard', enabled: true, action: { type: 'show' } },
    { label: 'Sign out', enabled: snapshot.agent !== null, action: command({ type: 'sign-out' }) },
    { label: 'Quit Switchboard', enabled: true, action: { type: 'quit' } },
  );
  const tooltip = [
    'Switchboard',
    status,
    ringing ? `${ringing.caller} is calling` : null,
    snapshot.call ? `${callLabel(snapshot.call.state)} ${snapshot.call.peer}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return { tooltip, items };
}

const command = (c: DesktopCommand): TrayAction => ({ type: 'command', command: c });

function connectionLabel(s: ConsoleSnapshot): string {
  switch (s.connection) {
    case 'signed-out':
      return 'Signed out';
    case 'connecting':
      return `Connecting as ${s.agent ?? '…'}`;
    case 'reconnecting':
      return 'Reconnecting to the server…';
    case 'connected':
      return `Connected as ${s.agent ?? '…'}`;
  }
}

function serverLabel(server: ServerSummary): string {
  if (server.mode === 'remote') return `Server: ${server.url ? new URL(server.url).host : 'not set'}`;
  const e = server.embedded;
  if (!e) return 'Server: this computer';
  switch (e.state) {
    case 'running':
      return 'Server: this computer';
    case 'starting':
      return 'Server: this computer (starting)';
    case 'stopping':
      return 'Server: this computer (stopping)';
    case 'stopped':
      return 'Server: this computer (stopped)';
    case 'failed':
      return `Server: this computer (not running: ${e.error ?? 'failed'})`;
  }
}

function callLabel(state: string): string {
  if (state === 'active') return 'In a call with';
  if (state === 'connecting') return 'Connecting to';
  return 'Calling';
}
