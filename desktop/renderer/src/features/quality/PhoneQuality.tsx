import { useEffect, useState } from 'react';
import type { PhoneQuality as PhoneQualityData, QualityDay } from '#shared';
import { useApi } from '../../api/context';
import { refusalText } from '../../api/refusal';
import { formatWhen } from '../../lib/time';
import { MARK_BADGES, MARK_LABELS } from './words';
import './quality.css';

const MARKS = ['good', 'fair', 'poor'] as const;

/**
 * A phone's call quality over 30 days, for its health detail (issue 25 item 8): its calls by mark
 * per day as bars, this week in a sentence, and the last poor call.
 */
export function PhoneQuality({ deviceId, phoneName }: { deviceId: string; phoneName: string }) {
  const api = useApi();
  const [data, setData] = useState<PhoneQualityData | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void api.request('quality:phone', { deviceId }).then((ack) => {
      if (!live) return;
      if (ack.ok) setData(ack.data);
      else setError(refusalText(ack.error));
    });
    return () => {
      live = false;
    };
  }, [api, deviceId]);

  const titleId = `phone-quality-${deviceId}`;
  return (
    <section className="quality-phone" aria-labelledby={titleId} data-testid="phone-quality">
      <h3 id={titleId}>Call quality, last 30 days</h3>
      {error && <p role="alert">Could not load the call quality: {error}</p>}
      {!data && !error && <p className="quality-note">Loading…</p>}
      {data && (
        <>
          <p className="quality-week">{weekSentence(data.week)}</p>
          <DayBars days={data.days} phoneName={phoneName} />
          <ul className="quality-legend" aria-hidden="true">
            {MARKS.map((m) => (
              <li key={m}>
                <span className={`badge ${MARK_BADGES[m]}`}>{MARK_LABELS[m]}</span>
              </li>
            ))}
          </ul>
          {data.lastPoor && (
            <p className="quality-note">
              Last poor call: {formatWhen(data.lastPoor.at)}
              {data.lastPoor.mos !== null && ` (MOS ${data.lastPoor.mos.toFixed(1)})`}. History's Audio filter
              lists them all.
            </p>
          )}
        </>
      )}
    </section>
  );
}

export function weekSentence(week: Omit<QualityDay, 'start'>): string {
  const total = week.good + week.fair + week.poor;
  if (total === 0) return 'No call with this phone was scored in the last 7 days.';
  const parts = MARKS.filter((m) => week[m] > 0).map((m) => `${week[m]} ${MARK_LABELS[m].toLowerCase()}`);
  const mos = week.mos === null ? '' : `, average MOS ${week.mos.toFixed(1)}`;
  return `Last 7 days: ${total} ${total === 1 ? 'call' : 'calls'} scored, ${parts.join(', ')}${mos}.`;
}

/** One bar a day, calls stacked good (bottom), fair, poor (top); the label says it in words. */
function DayBars({ days, phoneName }: { days: QualityDay[]; phoneName: string }) {
  const width = 300;
  const height = 64;
  const gap = 2;
  const bar = (width - gap * (days.length - 1)) / days.length;
  const most = Math.max(1, ...days.map((d) => d.good + d.fair + d.poor));
  const poorDays = days.filter((d) => d.poor > 0).length;
  const calls = days.reduce((n, d) => n + d.good + d.fair + d.poor, 0);
  const label = `${phoneName}: ${calls} scored ${calls === 1 ? 'call' : 'calls'} in 30 days, poor audio on ${poorDays} ${poorDays === 1 ? 'day' : 'days'}.`;
  return (
    <svg className="quality-bars" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      {days.flatMap((d, i) => {
        let y = height;
        return MARKS.filter((m) => d[m] > 0).map((m) => {
          const h = (d[m] / most) * (height - 4);
          y -= h;
          return (
            <rect
              key={`${d.start}-${m}`}
              className={`quality-bar-${m}`}
              x={i * (bar + gap)}
              y={y}
              width={bar}
              height={h}
            >
              <title>{`${new Date(d.start).toISOString().slice(0, 10)}: ${d[m]} ${MARK_LABELS[m].toLowerCase()}`}</title>
            </rect>
          );
        });
      })}
      <line className="quality-axis" x1={0} y1={height - 0.5} x2={width} y2={height - 0.5} />
    </svg>
  );
}
