import { memo } from 'react';
import type { DeviceEntry } from '#shared';
import { usePhoneMark } from '../health';
import { deviceDetails, lastSeen, microphoneHealth, presenceLabel, pushHealth } from './health';
import type { Row } from './rows';

export type RowAction =
  | { type: 'call'; target: { staffId: string } | { deviceId: string } }
  | { type: 'pair' | 'rename' | 'remove'; staffId: string }
  | { type: 'unpair' | 'health'; staffId: string; deviceId: string };

interface Props {
  row: Row;
  /** Position in the virtual list (px). */
  top: number;
  height: number;
  now: number;
  active: boolean;
  highlighted: boolean;
  inCall: boolean;
  /** False when the server cannot send VoIP pushes: then only a connected phone can ring. */
  apnsConfigured: boolean;
  /** An admin's row: pair, rename, remove, unpair. Agents only call. */
  manage: boolean;
  /** A staff row's fallback, rung when none of their phones rings in time (issue 25 item 7). */
  fallbackName?: string | null;
  onAction: (action: RowAction) => void;
}

/** One row of the virtual roster: a staff member (with actions) or one of their phones. */
export const RosterRow = memo(function RosterRow(props: Props) {
  const { row, top, height, active, inCall, manage, onAction } = props;
  // Only the selected row's controls are in the tab order; arrow keys move between rows.
  const tab = active ? 0 : -1;
  const common = {
    tabIndex: active ? 0 : -1,
    'data-key': row.key,
    style: { transform: `translateY(${top}px)`, height },
  } as const;

  if (row.kind === 'staff') {
    const { staff } = row;
    const phones = staff.devices.length;
    return (
      <li {...common} className="row row-staff">
        <div className="row-main">
          <span className="staff-name" title={staff.name}>
            {staff.name}
          </span>
          <span className="muted mono staff-handle">{staff.handle ?? 'no number'}</span>
          {props.fallbackName && (
            <span className="muted staff-fallback" title="Rung too when none of their phones rings in time">
              fallback: {props.fallbackName}
            </span>
          )}
        </div>
        <div className="row-actions">
          <button
            type="button"
            tabIndex={tab}
            className="btn btn-call btn-sm"
            aria-label={`Call ${staff.name}`}
            disabled={phones === 0 || inCall}
            title={
              phones === 0
                ? manage
                  ? 'Pair a phone first'
                  : 'No phone paired yet'
                : inCall
                  ? 'You are in a call'
                  : 'Ring all their phones'
            }
            onClick={() => onAction({ type: 'call', target: { staffId: staff.id } })}
          >
            Call
          </button>
          {manage && <StaffAdminActions staff={staff} tab={tab} onAction={onAction} />}
        </div>
      </li>
    );
  }

  if (row.kind === 'nophone') {
    return (
      <li {...common} className="row row-nophone">
        <span className="muted">
          {manage
            ? 'No phone paired yet: choose “Pair phone” and scan the code with their iPhone.'
            : 'No phone paired yet: an admin pairs their iPhone.'}
        </span>
      </li>
    );
  }
  return <DeviceRow {...props} device={row.device} tab={tab} common={common} />;
});

function StaffAdminActions({
  staff,
  tab,
  onAction,
}: {
  staff: { id: string; name: string };
  tab: number;
  onAction: (action: RowAction) => void;
}) {
  return (
    <>
      <button
        type="button"
        tabIndex={tab}
        className="btn btn-sm"
        aria-label={`Pair a phone for ${staff.name}`}
        onClick={() => onAction({ type: 'pair', staffId: staff.id })}
      >
        Pair phone
      </button>
      <button
        type="button"
        tabIndex={tab}
        className="btn btn-quiet btn-sm"
        aria-label={`Rename ${staff.name}`}
        onClick={() => onAction({ type: 'rename', staffId: staff.id })}
      >
        Rename
      </button>
      <button
        type="button"
        tabIndex={tab}
        className="btn btn-quiet btn-sm"
        aria-label={`Remove ${staff.name}`}
        onClick={() => onAction({ type: 'remove', staffId: staff.id })}
      >
        Remove
      </button>
    </>
  );
}

/** Marks whose fix the row's health line says instead of the push token's state. */
const MARK_OWN_LINE = new Set(['notRinging', 'slow', 'offline']);

function DeviceRow({
  device,
  tab,
  common,
  now,
  highlighted,
  inCall,
  apnsConfigured,
  manage,
  onAction,
}: Props & { device: DeviceEntry; tab: number; common: object }) {
  const presence = presenceLabel(device.presence);
  const mark = usePhoneMark(device, now);
  // A mark the token and microphone lines do not already explain says its fix in their place.
  const markFix = MARK_OWN_LINE.has(mark.state) ? { text: mark.fix, tone: mark.tone } : null;
  const health = markFix ?? pushHealth(device, now, apnsConfigured);
  const microphone = microphoneHealth(device);
  const seen = lastSeen(device, now);
  return (
    <li
      {...common}
      className={`row row-device${highlighted ? ' row-highlight' : ''}`}
      data-device-id={device.id}
    >
      <div className="row-main">
        <span className="device-name" title={device.name}>
          {device.name}
        </span>
        <span className="muted device-meta">{deviceDetails(device)}</span>
      </div>
      <div className="device-status">
        <span className={`badge badge-${presence.tone}`} title={presence.hint}>
          {presence.text}
        </span>
        {seen && <span className="muted device-seen">{seen}</span>}
      </div>
      <div className="device-mark">
        <button
          type="button"
          tabIndex={tab}
          className="mark-button"
          aria-label={`Health of ${device.name}: ${mark.label}`}
          // Not the fix again: the health line beside it says that.
          title="Show its health: the record, charts and a ring test"
          onClick={() => onAction({ type: 'health', staffId: device.staffId, deviceId: device.id })}
        >
          <span className={`badge badge-${mark.tone}`} data-testid="health-mark">
            {mark.label}
          </span>
        </button>
      </div>
      <div className={`device-health${microphone ? ' device-health-two' : ''}`}>
        {microphone && (
          <p className={`health-line health-${microphone.tone}`} title={microphone.fix}>
            {microphone.text}
            <span className="visually-hidden">. {microphone.fix}</span>
          </p>
        )}
        <p className={`health-line health-${health.tone}`} title={health.text}>
          {health.text}
        </p>
      </div>
      <div className="row-actions">
        <button
          type="button"
          tabIndex={tab}
          className="btn btn-sm"
          aria-label={`Call ${device.name}`}
          disabled={inCall}
          onClick={() => onAction({ type: 'call', target: { deviceId: device.id } })}
        >
          Call this phone
        </button>
        {manage && (
          <button
            type="button"
            tabIndex={tab}
            className="btn btn-quiet btn-sm"
            aria-label={`Unpair ${device.name}`}
            onClick={() => onAction({ type: 'unpair', staffId: device.staffId, deviceId: device.id })}
          >
            Unpair
          </button>
        )}
      </div>
    </li>
  );
}
