import {
  type Call,
  type CallQuality,
  callDurationInWords,
  handledByNames,
  transferLine,
  transfersOf,
} from '#shared';
import { formatFullDate } from '../../lib/time';
import type { Names } from '../../store/names';
import { Timeline } from '../call';
import { CallQualityDetails } from '../quality';
import { CallSnapshots } from '../video';
import { outcomeText } from './format';

interface Props {
  id: string;
  call: Call;
  staffName: string;
  names: Names;
  agentId: string | null;
  /** How the call sounded, when an end reported on it. */
  quality: CallQuality | undefined;
  onClose(): void;
}

/**
 * One call from history. The timeline is the call panel's own, so a call reads the same live and
 * afterwards.
 */
export function CallDetails({ id, call, staffName, names, agentId, quality, onClose }: Props) {
  const deviceName = (deviceId: string) => names.device(deviceId)?.device ?? `device ${deviceId.slice(0, 8)}`;
  return (
    <section id={id} className="hist-details" aria-labelledby={`${id}-title`}>
      <header className="hist-details-head">
        <h2 id={`${id}-title`}>
          {call.direction === 'outbound' ? `Call to ${staffName}` : `Call from ${staffName}`}
        </h2>
        <button
          type="button"
          className="btn btn-quiet btn-sm"
          onClick={onClose}
          aria-label="Close the call details"
        >
          Close
        </button>
      </header>
      <dl className="hist-facts">
        <dt>Started</dt>
        <dd>{formatFullDate(call.createdAt)}</dd>
        <dt>Outcome</dt>
        <dd>{outcomeText(call, names)}</dd>
        <dt>Duration</dt>
        <dd>{callDurationInWords(call)}</dd>
        {call.answeredByDeviceId && (
          <>
            <dt>Answered on</dt>
            <dd>{deviceName(call.answeredByDeviceId)}</dd>
          </>
        )}
        <dt>{call.direction === 'outbound' ? 'Phones rung' : 'Called from'}</dt>
        <dd>{call.devices.map((l) => deviceName(l.deviceId)).join(', ') || 'none'}</dd>
        <dt>Disposition</dt>
        <dd>{call.wrapUp?.dispositionName ?? 'none chosen'}</dd>
        {call.wrapUp?.note && (
          <>
            <dt>Note</dt>
            <dd className="hist-note">{call.wrapUp.note}</dd>
          </>
        )}
        {transfersOf(call).length > 0 && (
          <>
            <dt>Agents</dt>
            <dd data-testid="call-agents">{handledByNames(call).join(' → ')}</dd>
            <dt>Transfers</dt>
            <dd>
              <ul className="hist-transfers">
                {transfersOf(call).map((t) => (
                  <li key={t.startedAt}>{transferLine(t)}</li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      {call.answeredAt !== null && (
        <CallQualityDetails
          quality={quality}
          agentId={agentId}
          deviceName={(deviceId) => names.device(deviceId)?.device ?? null}
        />
      )}
      {call.answeredAt !== null && <CallSnapshots callId={call.id} />}
      <Timeline call={call} names={names} agentId={agentId} />
    </section>
  );
}
