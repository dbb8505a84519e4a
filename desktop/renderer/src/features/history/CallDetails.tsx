import type { Call, EventSource } from '#shared';
import { callDurationInWords, formatWhen, outcomeInWords } from './format';
import { describeTimeline } from './timeline';

const SOURCE_LABEL: Record<EventSource, string> = {
  agent: 'agent',
  device: 'phone',
  server: 'server',
  apns: 'APNs',
};

interface Props {
  id: string;
  call: Call;
  staffName: string;
  names: ReadonlyMap<string, string>;
  onClose(): void;
}

/** One call from history: what happened, in order, with how long after the start each step came. */
export function CallDetails({ id, call, staffName, names, onClose }: Props) {
  const lines = describeTimeline(call, names);
  const answeredOn = call.answeredByDeviceId ? (names.get(call.answeredByDeviceId) ?? null) : null;
  return (
    <section id={id} className="hist-details" aria-labelledby={`${id}-title`}>
      <header className="hist-details-head">
        <h2 id={`${id}-title`}>
          {call.direction === 'outbound' ? `Call to ${staffName}` : `Call from ${staffName}`}
        </h2>
        <button
          type="button"
          className="btn btn-quiet"
          onClick={onClose}
          aria-label="Close the call timeline"
        >
          Close
        </button>
      </header>
      <dl className="hist-facts">
        <dt>Started</dt>
        <dd>{formatWhen(call.createdAt)}</dd>
        <dt>Outcome</dt>
        <dd>{outcomeInWords(call)}</dd>
        <dt>Duration</dt>
        <dd>{callDurationInWords(call)}</dd>
        {answeredOn && (
          <>
            <dt>Answered on</dt>
            <dd>{answeredOn}</dd>
          </>
        )}
        <dt>Phones rung</dt>
        <dd>
          {call.devices.map((l) => names.get(l.deviceId) ?? `device ${l.deviceId.slice(0, 8)}`).join(', ') ||
            'none'}
        </dd>
      </dl>
      <h3 className="hist-subhead">Timeline</h3>
      <ol className="hist-timeline">
        {lines.map((line, i) => (
          // Entries have no id and can repeat verbatim (two pushes in one millisecond): index it is.
          // biome-ignore lint/suspicious/noArrayIndexKey: the timeline is append-only and never reordered
          <li key={i}>
            <span className="hist-offset">{line.offset}</span>
            <span className="hist-line">{line.text}</span>
            <span className="hist-source">{SOURCE_LABEL[line.source]}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
