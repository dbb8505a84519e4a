import { SLOW_P95_MS, seconds } from '#shared';
import type { DayOutcome } from './series';

/**
 * Small SVG charts: pictures of a record, drawn with the theme's colours (CSS classes, so dark
 * mode follows) and described in words for screen readers. No chart library: a few rectangles
 * and polylines say what these need to.
 */

const W = 560;
const H = 150;
const PAD = { left: 44, right: 8, top: 10, bottom: 22 };
const plotW = W - PAD.left - PAD.right;
const plotH = H - PAD.top - PAD.bottom;

const dayLabel = (ms: number) =>
  new Date(ms).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** The frame every chart shares: the y axis's top and zero, the x axis's first and last label. */
function Frame({
  label,
  top,
  first,
  last,
  children,
}: {
  label: string;
  top: string;
  first: string;
  last: string;
  children: React.ReactNode;
}) {
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="none">
      <title>{label}</title>
      <line className="chart-axis" x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} />
      <line className="chart-grid" x1={PAD.left} x2={W - PAD.right} y1={PAD.top} y2={PAD.top} />
      <text className="chart-label" x={PAD.left - 6} y={PAD.top + 4} textAnchor="end">
        {top}
      </text>
      <text className="chart-label" x={PAD.left - 6} y={H - PAD.bottom + 4} textAnchor="end">
        0
      </text>
      <text className="chart-label" x={PAD.left} y={H - 6}>
        {first}
      </text>
      <text className="chart-label" x={W - PAD.right} y={H - 6} textAnchor="end">
        {last}
      </text>
      {children}
    </svg>
  );
}

/** Rings, silences and refusals per day, stacked: how a phone (or the team) did each day. */
export function OutcomesChart({ days, label }: { days: DayOutcome[]; label: string }) {
  const max = Math.max(1, ...days.map((d) => d.rang + d.notRung + d.refused));
  const slot = plotW / Math.max(1, days.length);
  const y = (n: number) => (n / max) * plotH;
  const total = days.reduce(
    (t, d) => ({ rang: t.rang + d.rang, notRung: t.notRung + d.notRung, refused: t.refused + d.refused }),
    { rang: 0, notRung: 0, refused: 0 },
  );
  const words = `${label}: ${total.rang} rang, ${total.notRung} did not ring, ${total.refused} refused by APNs over ${days.length} days`;
  return (
    <figure className="chart-figure">
      <Frame
        label={words}
        top={String(max)}
        first={days[0] ? dayLabel(days[0].start) : ''}
        last={days.at(-1) ? dayLabel(days.at(-1)!.start) : ''}
      >
        {days.map((d, i) => {
          const x = PAD.left + i * slot + slot * 0.15;
          const width = slot * 0.7;
          let base = H - PAD.bottom;
          return (['rang', 'notRung', 'refused'] as const).map((k) => {
            const h = y(d[k]);
            base -= h;
            return h > 0 ? (
              <rect
                key={`${d.start}-${k}`}
                className={`chart-${k}`}
                x={x}
                y={base}
                width={width}
                height={h}
              />
            ) : null;
          });
        })}
      </Frame>
      <figcaption className="chart-legend">
        <span className="key key-rang">Rang</span>
        <span className="key key-notRung">Did not ring</span>
        <span className="key key-refused">Refused by APNs</span>
      </figcaption>
    </figure>
  );
}

/** Push→ring latency over time, median and 95th percentile, with the line where "Slow" starts. */
export function LatencyChart({
  points,
  from,
  to,
}: {
  points: { at: number; p50: number; p95: number }[];
  from: number;
  to: number;
}) {
  const max = Math.max(SLOW_P95_MS * 1.25, ...points.map((p) => p.p95));
  const x = (at: number) => PAD.left + ((at - from) / Math.max(1, to - from)) * plotW;
  const y = (ms: number) => H - PAD.bottom - (ms / max) * plotH;
  const line = (key: 'p50' | 'p95') =>
    points.map((p) => `${x(p.at).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
  const worst = points.reduce((m, p) => Math.max(m, p.p95), 0);
  const words =
    points.length === 0
      ? 'Push to ring latency: no rings in the last 7 days'
      : `Push to ring latency over the last 7 days: ${points.length} hours with rings, the slowest 95th percentile ${seconds(worst)}`;
  return (
    <figure className="chart-figure">
      <Frame label={words} top={seconds(max)} first={dayLabel(from)} last={dayLabel(to)}>
        <line
          className="chart-slow"
          x1={PAD.left}
          x2={W - PAD.right}
          y1={y(SLOW_P95_MS)}
          y2={y(SLOW_P95_MS)}
        />
        {points.length === 0 && (
          <text className="chart-empty" x={PAD.left + plotW / 2} y={PAD.top + plotH / 2} textAnchor="middle">
            No rings in the last 7 days
          </text>
        )}
        <polyline className="chart-p95" points={line('p95')} />
        <polyline className="chart-p50" points={line('p50')} />
        {points.map((p) => (
          <circle key={p.at} className="chart-p95-dot" cx={x(p.at)} cy={y(p.p95)} r={3} />
        ))}
      </Frame>
      <figcaption className="chart-legend">
        <span className="key key-p95">95 % rang within</span>
        <span className="key key-p50">Median</span>
        <span className="key key-slow">Slow from {seconds(SLOW_P95_MS)}</span>
      </figcaption>
    </figure>
  );
}

/** The team's share of rings that rang, per day (bars), and its p95 latency (line, right scale). */
export function TeamChart({ days }: { days: { start: number; rate: number | null; p95: number | null }[] }) {
  const slot = plotW / Math.max(1, days.length);
  const maxP95 = Math.max(SLOW_P95_MS, ...days.map((d) => d.p95 ?? 0));
  const known = days.filter((d) => d.rate !== null);
  const mean = known.length ? known.reduce((s, d) => s + d.rate!, 0) / known.length : null;
  const words =
    mean === null
      ? 'The team: no rings in the last 30 days'
      : `The team over ${days.length} days: on average ${Math.round(mean * 100)} % of rings rang`;
  // A dot for each day with a p95, joined by a line: one day alone still shows.
  const p95Points = days.flatMap((d, i) =>
    d.p95 === null
      ? []
      : [{ key: d.start, x: PAD.left + (i + 0.5) * slot, y: H - PAD.bottom - (d.p95 / maxP95) * plotH }],
  );
  const p95Line = p95Points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  return (
    <figure className="chart-figure">
      <Frame
        label={words}
        top="100 %"
        first={days[0] ? dayLabel(days[0].start) : ''}
        last={days.at(-1) ? dayLabel(days.at(-1)!.start) : ''}
      >
        {days.map((d, i) =>
          d.rate === null ? null : (
            <rect
              key={d.start}
              className={d.rate < 0.9 ? 'chart-notRung' : 'chart-rang'}
              x={PAD.left + i * slot + slot * 0.15}
              y={H - PAD.bottom - d.rate * plotH}
              width={slot * 0.7}
              height={d.rate * plotH}
            />
          ),
        )}
        <polyline className="chart-p95" points={p95Line} />
        {p95Points.map((p) => (
          <circle key={p.key} className="chart-p95-dot" cx={p.x} cy={p.y} r={3} />
        ))}
        <text className="chart-label" x={W - PAD.right} y={PAD.top + 4} textAnchor="end">
          p95 {seconds(maxP95)}
        </text>
      </Frame>
      <figcaption className="chart-legend">
        <span className="key key-rang">Ring rate</span>
        <span className="key key-notRung">Ring rate under 90 %</span>
        <span className="key key-p95">95 % rang within</span>
      </figcaption>
    </figure>
  );
}
