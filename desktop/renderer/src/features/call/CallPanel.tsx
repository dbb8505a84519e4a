import type { ReactNode } from 'react';
import { type Call, CLOCK_CAPTIONS, callClock, isRingTest } from '#shared';
import { formatClock } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { useConsole } from '../../store/hooks';
import { type Names, useNames } from '../../store/names';
import { EmptyState } from '../../ui/EmptyState';
import { Timeline } from './Timeline';
import { useCallActions } from './useCallActions';
import { useCallControls } from './useCallControls';
import { VoiceControls } from './voice/VoiceControls';
import { VoiceSession } from './voice/VoiceSession';
import { endSentence, legLabel, partyName, silentNotes, stateLabel } from './words';
import './call.css';

/**
 * The agent's current (or just ended) call: state, clock, phones, controls and the timeline.
 * `extra`: what other features add to an answered call's card (the transfer controls); `notes`:
 * to the card of a call that is this agent's, live or over (its note and disposition).
 * `voice`: this page carries the call's audio (it is the agent's softphone).
 */
export function CallPanel({ extra, notes, voice = true }: CardSlots & { voice?: boolean } = {}) {
  const call = useConsole((s) => (s.focusedCallId ? (s.calls[s.focusedCallId] ?? null) : null));
  const notice = useConsole((s) => s.callNotice);
  const dismissNotice = useConsole((s) => s.dismissCallNotice);
  const names = useNames();

  return (
    <section className="call-panel" aria-labelledby="call-panel-title">
      <h2 id="call-panel-title" className="dock-title">
        Call
      </h2>
      {voice && <VoiceSession />}
      {notice && (
        <div className="call-notice" role="alert">
          <span>{notice}</span>
          <button type="button" className="btn btn-quiet btn-sm" onClick={dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      {call ? (
        <CallCard call={call} names={names} extra={extra} notes={notes} />
      ) : (
        <EmptyState>
          No call. Choose <strong>Call</strong> next to a staff member or one of their phones, or select a row
          and press Enter.
        </EmptyState>
      )}
    </section>
  );
}

function directionText(call: Call): string {
  const live = call.state !== 'ended';
  if (isRingTest(call)) return live ? 'Ring test' : 'Ring test to';
  if (call.direction === 'inbound') return 'Call from';
  return live ? 'Calling' : 'Call to';
}

interface CardSlots {
  extra?: (call: Call) => ReactNode;
  notes?: (call: Call) => ReactNode;
}

function CallCard({ call, names, extra, notes }: { call: Call; names: Names } & CardSlots) {
  const agentId = useConsole((s) => s.session?.agentId ?? null);
  const { place } = useCallActions();
  const dismissCall = useConsole((s) => s.dismissCall);
  const live = call.state !== 'ended';
  const now = useNow(500, live);
  const state = stateLabel(call);
  const answered = call.answeredAt !== null;
  const clock = callClock(call, now);
  const ringing = live && !answered;
  const person = partyName(call, names);
  const { muted, hangUp, mute, hold } = useCallControls(call);

  return (
    <article className={`call-card call-${call.state}`} aria-label={`Call with ${person}`}>
      <header className="call-head">
        <div>
          <p className="call-direction">{directionText(call)}</p>
          <p className="call-party">{person}</p>
          {names.staff(call.staffId)?.handle && (
            <p className="muted mono">{names.staff(call.staffId)?.handle}</p>
          )}
        </div>
        <div className="call-state">
          <span className={`badge badge-${state.tone}`} data-testid="call-state">
            {state.text}
          </span>
          <span className="call-clock num" role="timer" aria-labelledby="call-clock-label">
            {formatClock(clock.ms)}
          </span>
          <span id="call-clock-label" className="call-clock-label">
            {CLOCK_CAPTIONS[clock.phase]}
          </span>
        </div>
      </header>

      {live &&
        silentNotes(call, names).map((note) => (
          <p key={note} className="call-silent" role="status">
            {note}
          </p>
        ))}

      {!live && (
        <p className="call-end" data-testid="call-end-reason">
          {endSentence(call, names)}
        </p>
      )}

      <div className="call-controls">
        {live && (
          <button type="button" className="btn btn-danger" onClick={hangUp}>
            {ringing ? 'Cancel call' : 'Hang up'}
          </button>
        )}
        {live && (
          <>
            <button
              type="button"
              className="btn"
              aria-pressed={call.held}
              disabled={!answered}
              onClick={() => void hold(!call.held)}
            >
              {call.held ? 'Resume' : 'Hold'}
            </button>
            <button
              type="button"
              className="btn"
              aria-pressed={muted}
              disabled={!answered}
              onClick={() => void mute(!muted)}
            >
              {muted ? 'Unmute' : 'Mute'}
            </button>
          </>
        )}
        {!live && call.direction === 'outbound' && (
          <button
            type="button"
            className="btn btn-call"
            onClick={() => void place({ staffId: call.staffId })}
          >
            Call again
          </button>
        )}
        {!live && (
          <button type="button" className="btn btn-quiet" onClick={() => dismissCall(call.id)}>
            Close
          </button>
        )}
      </div>

      {live && answered && extra?.(call)}

      {live && answered && <VoiceControls call={call} person={person} />}

      {call.agentId !== null && call.agentId === agentId && notes?.(call)}

      <section aria-label="Phones" className="call-legs">
        <h3>{call.direction === 'inbound' ? 'Phone' : 'Phones rung'}</h3>
        <ul>
          {call.devices.map((leg) => {
            const label = legLabel(leg, call);
            return (
              <li key={leg.deviceId}>
                <span className="leg-name">{names.device(leg.deviceId)?.device ?? 'Removed phone'}</span>
                <span className={`badge badge-${label.tone}`}>{label.text}</span>
              </li>
            );
          })}
        </ul>
      </section>

      <Timeline call={call} names={names} agentId={agentId} />
    </article>
  );
}
