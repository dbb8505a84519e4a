import { DAY_MS, type DeviceEntry, HEALTH_DETAIL_DAYS, REJECT_REASONS, seconds } from '#shared';
import { formatAge } from '../../lib/time';
import { Dialog } from '../../ui/Dialog';
import { PhoneQuality } from '../quality';
import { useMayRequest } from '../signin';
import { LatencyChart, OutcomesChart } from './charts';
import { RingTestButton } from './RingTestButton';
import { countsInWords, lastDays, latencyPoints, outcomesOf } from './series';
import { usePhoneDetail, usePhoneMark } from './usePhoneHealth';
import { REJECT_WORDS } from './words';
import './health.css';

/**
 * One phone's health (issue 25 item 2): its mark and the fix, its record in pictures (latency over
 * the last 7 days, outcomes per day over 30), the numbers behind them, and a ring test.
 * Between the charts and the numbers: how its calls sounded (issue 25 item 8, the quality feature's).
 */
export function PhoneHealthDialog({
  device,
  staffName,
  onClose,
}: {
  device: DeviceEntry;
  staffName: string;
  onClose: () => void;
}) {
  const { detail, error, now } = usePhoneDetail(device.id);
  const mark = usePhoneMark(device, now);
  const mayTest = useMayRequest('ring:test');
  const record = detail?.record;
  const week = record?.week;
  const refusals = week ? REJECT_REASONS.filter((r) => week.rejected[r] > 0) : [];
  return (
    <Dialog
      title={`${device.name} · ${staffName}`}
      className="phone-health"
      onClose={onClose}
      error={error}
      close="Close"
      actions={mayTest ? <RingTestButton target={{ deviceId: device.id }} label="Send a ring test" /> : null}
    >
      <p className={`health-mark-line health-${mark.tone}`} data-testid="phone-mark">
        <span className={`badge badge-${mark.tone}`}>{mark.label}</span> {mark.fix}
      </p>
      {detail ? (
        <>
          <section aria-label="Push to ring latency" className="health-chart">
            <h3>Push → ring, last 7 days</h3>
            <LatencyChart points={latencyPoints(detail.hours)} from={now - 7 * DAY_MS} to={now} />
          </section>
          <section aria-label="Outcomes per day" className="health-chart">
            <h3>What each day's calls did, last {HEALTH_DETAIL_DAYS} days</h3>
            <OutcomesChart
              days={outcomesOf(lastDays(detail.days, now, HEALTH_DETAIL_DAYS))}
              label={device.name}
            />
          </section>
          <PhoneQuality deviceId={device.id} phoneName={device.name} />
          <dl className="health-facts">
            <dt>Last 24 hours</dt>
            <dd>{countsInWords(detail.record.day)}</dd>
            <dt>Last 7 days</dt>
            <dd>
              {countsInWords(detail.record.week)}
              {week?.p95Ms !== null && week?.p50Ms !== null && week
                ? `; rang within ${seconds(week.p50Ms!)} (median), ${seconds(week.p95Ms!)} (95 %)`
                : ''}
            </dd>
            {refusals.length > 0 && (
              <>
                <dt>Refused by APNs</dt>
                <dd>{refusals.map((r) => `${REJECT_WORDS[r]} ×${week!.rejected[r]}`).join(', ')}</dd>
              </>
            )}
            <dt>Last ring</dt>
            <dd>{record?.lastRangAt ? formatAge(now - record.lastRangAt) : 'none recorded'}</dd>
          </dl>
        </>
      ) : (
        !error && <p className="muted">Loading its record…</p>
      )}
    </Dialog>
  );
}
