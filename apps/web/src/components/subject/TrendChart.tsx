/**
 * A trend over visits in plain SVG (no chart library: a few lines and ticks do not need one).
 * Accessible as one image with a summary in its label, and the figures themselves in a data
 * table that screen readers read (visually hidden: the timeline shows them to everyone).
 * Series differ by line style and marker shape as well as colour; infusion days are dashed
 * vertical lines labelled with the infusion's number.
 */
import { dayOf, linear, monthTicks, valueTicks } from './chart-scale';
import { numberText } from './format';
import './subject.css';

export interface ChartPoint {
  readonly date: string;
  readonly label: string;
  readonly value: number | null;
}

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
}

export interface ChartProps {
  readonly id: string;
  readonly title: string;
  /** The value axis's unit, in words ("score", "joints"). */
  readonly unit: string;
  /** One or two series (the second dashed, with square markers). */
  readonly series: readonly ChartSeries[];
  readonly infusions: readonly string[];
}

const W = 640;
const H = 250;
// The right margin leaves room for half a month label at the last tick.
const M = { left: 52, right: 28, top: 24, bottom: 44 };

function summary(props: ChartProps): string {
  const parts = props.series.map((s) => {
    const known = s.points.filter((p) => p.value !== null);
    const first = known[0];
    const last = known[known.length - 1];
    if (!first || !last) return `${s.name}: no values`;
    return `${s.name} from ${numberText(first.value)} on ${first.date} to ${numberText(last.value)} on ${last.date} over ${known.length} visits`;
  });
  const infusions = props.infusions.length
    ? `infusions on ${props.infusions.join(', ')}`
    : 'no infusion';
  return `${props.title}: ${parts.join('; ')}; ${infusions}.`;
}

export function TrendChart(props: ChartProps) {
  const { series, infusions, unit } = props;
  const dates = [...series.flatMap((s) => s.points.map((p) => p.date)), ...infusions];
  if (dates.length === 0) return <p>No visits to chart yet.</p>;
  const days = dates.map(dayOf);
  // A fortnight's margin each side, so that the first and last points are not on the frame.
  const from = Math.min(...days) - 14;
  const to = Math.max(...days) + 14;
  const values = series.flatMap((s) => s.points.map((p) => p.value ?? 0));
  const yTicks = valueTicks(Math.max(...values, 0));
  const yTop = yTicks[yTicks.length - 1] ?? 1;
  const x = linear(from, to, M.left, W - M.right);
  const y = linear(0, yTop, H - M.bottom, M.top);
  const px = (date: string) => x(dayOf(date)).toFixed(1);

  return (
    <figure className="chart" aria-labelledby={`${props.id}-caption`}>
      <figcaption id={`${props.id}-caption`}>
        <strong>{props.title}</strong>
        <span className="chart-legend">
          {series.map((s, i) => (
            <span key={s.name} className={`legend legend-${i}`}>
              {s.name}
            </span>
          ))}
          <span className="legend legend-infusion">infusion day</span>
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary(props)}>
        <g className="axis">
          {yTicks.map((t) => (
            <g key={`y${t}`}>
              <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} className="grid" />
              <text x={M.left - 6} y={y(t) + 4} textAnchor="end">
                {t}
              </text>
            </g>
          ))}
          <text
            transform={`translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)`}
            textAnchor="middle"
          >
            {unit}
          </text>
          <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
          {monthTicks(from, to).map((t) => (
            <g key={`x${t}`}>
              <line x1={px(t)} x2={px(t)} y1={H - M.bottom} y2={H - M.bottom + 5} />
              <text x={px(t)} y={H - M.bottom + 18} textAnchor="middle">
                {t.slice(0, 7)}
              </text>
            </g>
          ))}
          <text x={(M.left + W - M.right) / 2} y={H - 6} textAnchor="middle">
            date (year-month)
          </text>
        </g>
        {infusions.map((date, i) => (
          <g key={`inf${date}`} className="infusion-mark">
            <line x1={px(date)} x2={px(date)} y1={M.top} y2={H - M.bottom} />
            <text x={px(date)} y={M.top - 8} textAnchor="middle">
              Inf {i + 1}
            </text>
          </g>
        ))}
        {series.map((s, i) => {
          const known = s.points.filter(
            (p): p is ChartPoint & { value: number } => p.value !== null,
          );
          return (
            <g key={s.name} className={`series series-${i}`}>
              <polyline points={known.map((p) => `${px(p.date)},${y(p.value)}`).join(' ')} />
              {known.map((p) =>
                i === 0 ? (
                  <circle key={p.date} cx={px(p.date)} cy={y(p.value)} r={4} />
                ) : (
                  <rect
                    key={p.date}
                    x={x(dayOf(p.date)) - 4}
                    y={y(p.value) - 4}
                    width={8}
                    height={8}
                  />
                ),
              )}
            </g>
          );
        })}
      </svg>
      <ChartTable {...props} />
    </figure>
  );
}

/** The figures of the chart for screen readers: one row per visit or infusion, by date. */
function ChartTable({ title, series, infusions }: ChartProps) {
  const rows = [
    ...(series[0]?.points ?? []).map((p, i) => ({
      date: p.date,
      event: `visit ${p.label}`,
      values: series.map((s) => s.points[i]?.value ?? null),
    })),
    ...infusions.map((date, i) => ({ date, event: `infusion ${i + 1}`, values: null })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  return (
    <table className="visually-hidden">
      <caption>{title}: the charted values</caption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Event</th>
          {series.map((s) => (
            <th key={s.name} scope="col">
              {s.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.date}${r.event}`}>
            <th scope="row">{r.date}</th>
            <td>{r.event}</td>
            {series.map((s, i) => (
              <td key={s.name}>{r.values ? numberText(r.values[i] ?? null) : ''}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
