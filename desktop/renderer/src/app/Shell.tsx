import { type ReactNode, useState } from 'react';
import { AvailabilityControl, PresenceStrip } from '../features/availability';
import { CallPanel } from '../features/call';
import { CallbacksCount, CallbacksScreen } from '../features/callbacks';
import { DesktopCommands, isDesktop, SettingsScreen } from '../features/desktop';
import { DirectoryScreen } from '../features/directory';
import { HealthAlerts, HealthScreen } from '../features/health';
import { HistoryScreen } from '../features/history';
import { IncomingCalls } from '../features/incoming';
import { NetworkSettings } from '../features/network';
import { RosterScreen } from '../features/roster';
import { useRole } from '../features/signin';
import {
  AudioSettings,
  AutoAnswer,
  CallShortcuts,
  SoftphoneBanner,
  useAutoAnswerOffer,
  useIsSoftphone,
} from '../features/softphone';
import { Banners, ConnectionIndicator } from '../features/status';
import { LiveScreen, SupervisedNotice, SupervisionAudio, SupervisorCard } from '../features/supervise';
import { AccountButton, PasswordBanner, TeamScreen } from '../features/team';
import { ConsultSession, TransferOffers, TransferStatus } from '../features/transfer';
import { VideoPanel } from '../features/video';
import { WrapUpForm } from '../features/wrapup';
import { useConsole } from '../store/hooks';
import './shell.css';

interface Screen {
  id: string;
  label: string;
  render: () => ReactNode;
  /** Hidden from agents, not only refused: what they cannot use is not on their screen. */
  adminOnly?: boolean;
  /** Beside the label: how many things wait there. */
  badge?: () => ReactNode;
}

const SCREENS: Screen[] = [
  { id: 'roster', label: 'Roster', render: () => <RosterScreen /> },
  { id: 'history', label: 'History', render: () => <HistoryScreen /> },
  { id: 'health', label: 'Health', render: () => <HealthScreen /> },
  { id: 'callbacks', label: 'Callbacks', render: () => <CallbacksScreen />, badge: () => <CallbacksCount /> },
  // Admins supervise calls (issue 26 item 5): listen, coach, barge.
  { id: 'live', label: 'Live', render: () => <LiveScreen />, adminOnly: true },
  { id: 'directory', label: 'Directory', render: () => <DirectoryScreen />, adminOnly: true },
  { id: 'team', label: 'Team', render: () => <TeamScreen />, adminOnly: true },
  // The desktop app's own settings (server mode, APNs credentials, About this server) and, in
  // both, the Network test.
  {
    id: 'settings',
    label: 'Settings',
    render: () => (isDesktop() ? <SettingsScreen /> : <NetworkSettings />),
  },
];

/**
 * The signed-in console: header (navigation, connection, agent), banners, the current screen,
 * and the call dock, which stays put whatever screen is open. Screens stay mounted when hidden so
 * a half-typed search or form survives switching screens.
 */
export function Shell({ onSignOut }: { onSignOut: () => void }) {
  const agent = useConsole((s) => s.session?.name ?? '');
  const role = useRole();
  const screens = SCREENS.filter((s) => role === 'admin' || !s.adminOnly);
  const [chosen, setCurrent] = useState(SCREENS[0]!.id);
  // A screen taken away (an admin made this agent an agent) falls back to the first one.
  const current = screens.some((s) => s.id === chosen) ? chosen : screens[0]!.id;
  // Only the agent's softphone page rings and carries audio; the others show the calls.
  const softphone = useIsSoftphone();
  // A call about to be answered automatically plays its one short tone instead of ringing.
  const autoAnswering = useAutoAnswerOffer() !== null;
  return (
    <div className="shell">
      {isDesktop() && <DesktopCommands onOpenSettings={() => setCurrent('settings')} />}
      <header className="topbar">
        <div className="brand">
          <span className="brand-logo" aria-hidden="true" />
          <span className="brand-name">Switchboard</span>
        </div>
        <nav aria-label="Screens" className="nav">
          {screens.map((s) => (
            <button
              key={s.id}
              type="button"
              className="nav-item"
              aria-current={s.id === current ? 'page' : undefined}
              onClick={() => setCurrent(s.id)}
            >
              {s.label}
              {s.badge?.()}
            </button>
          ))}
        </nav>
        <div className="topbar-end">
          <AvailabilityControl />
          <ConnectionIndicator />
          <AccountButton name={agent} role={role} />
          <button type="button" className="btn btn-quiet btn-sm" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <CallShortcuts />
      <PresenceStrip />
      <Banners />
      <HealthAlerts />
      <PasswordBanner />
      <div className="workspace">
        <main className="screen">
          {screens.map((s) => (
            <div key={s.id} className="screen-page" hidden={s.id !== current}>
              {s.render()}
            </div>
          ))}
        </main>
        <aside className="dock" aria-label="Calls">
          <SoftphoneBanner />
          <AutoAnswer />
          <IncomingCalls rings={softphone && !autoAnswering} />
          <TransferOffers />
          {softphone && <ConsultSession />}
          {softphone && <SupervisionAudio />}
          <SupervisorCard />
          <CallPanel
            voice={softphone}
            extra={(call) => (
              <>
                <SupervisedNotice call={call} />
                <TransferStatus call={call} />
                <VideoPanel call={call} softphone={softphone} />
              </>
            )}
            notes={(call) => <WrapUpForm key={call.id} call={call} />}
          />
          <AudioSettings />
        </aside>
      </div>
    </div>
  );
}
