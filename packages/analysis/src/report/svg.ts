/**
 * The report's plots as standalone SVG, drawn directly (no browser, no DOM): per-patient
 * trajectories, a swimmer plot, and paired bars. Every text is escaped; sizes are fixed so
 * that the HTML and a PDF print the same.
 */

export const escapeXml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const COLOURS = [
  '#1b6ca8',
  '#d1495b',
  '#2e933c',
  '#edae49',
  '#6a4c93',
  '#00798c',
  '#8c564b',
  '#7f7f7f',
];
const colour = (i: number) => COLOURS[i % COLOURS.length] as string;
const fmt = (x: number) => (Math.round(x * 10) / 10).toString();

function frame(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}" font-family="sans-serif" font-size="11"><title>${escapeXml(title)}</title>${body}</svg>`;
}

function ticks(min: number, max: number, count = 5): number[] {
  if (max <= min) return [min];
  const raw = (max - min) / count;
  const step = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / nice) * nice; v <= max + 1e-9; v += nice)
    out.push(Number(v.toPrecision(10)));
  return out;
}

/** End labels at their lines' heights, pushed apart to at least 11 px so that none overlap. */
function endLabelPositions(ys: ReadonlyArray<number | null>): Array<number | null> {
  const order = ys
    .map((y, i) => [y, i] as const)
    .filter((e): e is readonly [number, number] => e[0] !== null);
  order.sort((a, b) => a[0] - b[0]);
  const out: Array<number | null> = ys.map(() => null);
  let previous = Number.NEGATIVE_INFINITY;
  for (const [y, i] of order) {
    const placed = Math.max(y, previous + 11);
    out[i] = placed;
    previous = placed;
  }
  return out;
}

export interface Series {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [x: number, y: number]>;
  /** The x of each of the subject's infusions (the repeats too), marked under the plot. */
  readonly infusions?: readonly number[];
}

/** An infusion in a line plot: a dashed vertical line, in the patient's colour for a repeat. */
const infusionLine = (x: number, top: number, bottom: number, stroke: string, title: string) =>
  `<line x1="${fmt(x)}" x2="${fmt(x)}" y1="${top}" y2="${bottom}" stroke="${stroke}" stroke-width="1.2" stroke-dasharray="4 3"${title}/>`;

/** Lines with markers, one per subject, a label at each line's end (spaghetti plot). */
export function linePlot(
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly Series[],
): string {
  const [w, h, left, right, top, bottom] = [640, 320, 50, 60, 28, 40];
  const all = series.flatMap((s) => s.points);
  if (all.length === 0)
    return frame(
      w,
      h,
      title,
      `<text x="${w / 2}" y="${h / 2}" text-anchor="middle">no data</text>`,
    );
  const xs = [...all.map((p) => p[0]), ...series.flatMap((s) => s.infusions ?? [])];
  const ys = all.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 1)];
  const [y0, y1] = [Math.min(...ys, 0), Math.max(...ys, 1)];
  const X = (x: number) => left + ((x - x0) / (x1 - x0)) * (w - left - right);
  const Y = (y: number) => h - bottom - ((y - y0) / (y1 - y0)) * (h - top - bottom);
  const grid = ticks(y0, y1)
    .map(
      (t) =>
        `<line x1="${left}" x2="${w - right}" y1="${fmt(Y(t))}" y2="${fmt(Y(t))}" stroke="#ddd"/><text x="${left - 6}" y="${fmt(Y(t) + 4)}" text-anchor="end">${t}</text>`,
    )
    .join('');
  const xAxis = ticks(x0, x1)
    .map((t) => `<text x="${fmt(X(t))}" y="${h - bottom + 16}" text-anchor="middle">${t}</text>`)
    .join('');
  const labelY = endLabelPositions(
    series.map((s) => {
      const end = s.points.at(-1);
      return end ? Y(end[1]) + 4 : null;
    }),
  );
  const lines = series
    .map((s, i) => {
      const path = s.points
        .map((p, k) => `${k === 0 ? 'M' : 'L'}${fmt(X(p[0]))},${fmt(Y(p[1]))}`)
        .join(' ');
      const dots = s.points
        .map((p) => `<circle cx="${fmt(X(p[0]))}" cy="${fmt(Y(p[1]))}" r="3" fill="${colour(i)}"/>`)
        .join('');
      const end = s.points.at(-1);
      const label = end
        ? `<text x="${fmt(X(end[0]) + 6)}" y="${fmt(labelY[i] ?? Y(end[1]) + 4)}" fill="${colour(i)}">${escapeXml(s.name)}</text>`
        : '';
      // Every patient's first infusion is day 1, drawn grey; a repeat in the patient's colour.
      const infusions = (s.infusions ?? [])
        .map((d) =>
          infusionLine(
            X(d),
            top,
            h - bottom,
            d === 1 ? '#777' : colour(i),
            ` data-infusion="${escapeXml(s.name)} ${d}"`,
          ),
        )
        .join('');
      return `<path d="${path}" fill="none" stroke="${colour(i)}" stroke-width="1.6"/>${dots}${label}${infusions}`;
    })
    .join('');
  const hasInfusions = series.some((s) => (s.infusions ?? []).length > 0);
  const legend = hasInfusions
    ? `${infusionLine(w - right - 190, 8, 20, '#777', '')}<text x="${w - right - 184}" y="18">infusion (a repeat in the patient's colour)</text>`
    : '';
  const labels = `${legend}<text x="${(left + w - right) / 2}" y="${h - 6}" text-anchor="middle">${escapeXml(xLabel)}</text><text transform="translate(14 ${(top + h - bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text><text x="${left}" y="16" font-weight="bold">${escapeXml(title)}</text>`;
  return frame(w, h, title, grid + xAxis + lines + labels);
}

export interface SwimmerLane {
  readonly name: string;
  /** Days since the first infusion at which follow-up ends. */
  readonly end: number;
  readonly marks: ReadonlyArray<{
    readonly day: number;
    readonly kind: 'infusion' | 'ae' | 'sae' | 'mas' | 'inactive';
  }>;
}

const MARK: Record<SwimmerLane['marks'][number]['kind'], (x: number, y: number) => string> = {
  infusion: (x, y) =>
    `<path data-mark="infusion" d="M${fmt(x)},${fmt(y - 7)} L${fmt(x + 6)},${fmt(y + 5)} L${fmt(x - 6)},${fmt(y + 5)} Z" fill="#1b6ca8"/>`,
  ae: (x, y) => `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="3.5" fill="#edae49"/>`,
  sae: (x, y) => `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="5" fill="#d1495b"/>`,
  mas: (x, y) =>
    `<rect x="${fmt(x - 5)}" y="${fmt(y - 5)}" width="10" height="10" fill="#6a0d0d"/>`,
  inactive: (x, y) =>
    `<path d="M${fmt(x)},${fmt(y - 6)} L${fmt(x + 6)},${fmt(y)} L${fmt(x)},${fmt(y + 6)} L${fmt(x - 6)},${fmt(y)} Z" fill="#2e933c"/>`,
};

/**
 * One lane per subject, a grey bar from the first infusion (study day 1) to the end of follow-up,
 * with its events; the legend names every mark and the bar.
 */
export function swimmerPlot(title: string, xLabel: string, lanes: readonly SwimmerLane[]): string {
  const [left, right, top, laneHeight] = [60, 20, 40, 30];
  const w = 640;
  const h = top + lanes.length * laneHeight + 84;
  const axisY = h - 74;
  const days = lanes.flatMap((l) => [l.end, ...l.marks.map((m) => m.day)]);
  const [d0, d1] = [Math.min(0, ...days), Math.max(30, ...days)];
  const X = (d: number) => left + ((d - d0) / (d1 - d0)) * (w - left - right);
  const axis = ticks(d0, d1)
    .map(
      (t) =>
        `<line x1="${fmt(X(t))}" x2="${fmt(X(t))}" y1="${top - 8}" y2="${axisY}" stroke="#eee"/><text x="${fmt(X(t))}" y="${axisY + 14}" text-anchor="middle">${t}</text>`,
    )
    .join('');
  const bar = (x: number, y: number, width: number) =>
    `<rect x="${fmt(x)}" y="${fmt(y - 4)}" width="${fmt(Math.max(1, width))}" height="8" fill="#cfd8dc"/>`;
  const rows = lanes
    .map((lane, i) => {
      const y = top + i * laneHeight + laneHeight / 2;
      return `<text x="${left - 8}" y="${fmt(y + 4)}" text-anchor="end">${escapeXml(lane.name)}</text>${bar(X(1), y, X(lane.end) - X(1))}${lane.marks.map((m) => MARK[m.kind](X(m.day), y)).join('')}`;
    })
    .join('');
  const legend = (['infusion', 'ae', 'sae', 'mas', 'inactive'] as const)
    .map(
      (k, i) =>
        `${MARK[k](left + i * 110 + 6, h - 26).replace(/ data-mark="[^"]*"/, '')}<text x="${left + i * 110 + 16}" y="${h - 22}">${{ infusion: 'infusion', ae: 'adverse event', sae: 'serious AE', mas: 'MAS', inactive: 'inactive disease' }[k]}</text>`,
    )
    .join('');
  const followUp = `${bar(left, h - 8, 12)}<text x="${left + 16}" y="${h - 4}">follow-up: from the first infusion to the last visit</text>`;
  return frame(
    w,
    h,
    title,
    `<text x="${left}" y="16" font-weight="bold">${escapeXml(title)}</text>${axis}${rows}<text x="${(left + w - right) / 2}" y="${axisY + 30}" text-anchor="middle">${escapeXml(xLabel)}</text>${legend}${followUp}`,
  );
}

/** Paired bars: before and after for each group (AE rates by window). */
export function pairedBars(
  title: string,
  yLabel: string,
  groups: ReadonlyArray<{ readonly name: string; readonly before: number; readonly after: number }>,
): string {
  const [w, h, left, top, bottom] = [420, 260, 50, 30, 50];
  const max = Math.max(1, ...groups.flatMap((g) => [g.before, g.after]));
  const Y = (v: number) => h - bottom - (v / max) * (h - top - bottom);
  const band = (w - left - 20) / Math.max(1, groups.length);
  const bars = groups
    .map((g, i) => {
      const x = left + i * band + band * 0.15;
      const bw = band * 0.3;
      const bar = (v: number, dx: number, fill: string) =>
        `<rect x="${fmt(x + dx)}" y="${fmt(Y(v))}" width="${fmt(bw)}" height="${fmt(h - bottom - Y(v))}" fill="${fill}"/><text x="${fmt(x + dx + bw / 2)}" y="${fmt(Y(v) - 4)}" text-anchor="middle">${fmt(v)}</text>`;
      return `${bar(g.before, 0, '#9aa5b1')}${bar(g.after, bw + 4, '#1b6ca8')}<text x="${fmt(x + bw + 2)}" y="${h - bottom + 16}" text-anchor="middle">${escapeXml(g.name)}</text>`;
    })
    .join('');
  const legend = `<rect x="${left}" y="${h - 18}" width="10" height="10" fill="#9aa5b1"/><text x="${left + 14}" y="${h - 9}">before the first infusion</text><rect x="${left + 170}" y="${h - 18}" width="10" height="10" fill="#1b6ca8"/><text x="${left + 184}" y="${h - 9}">after</text>`;
  return frame(
    w,
    h,
    title,
    `<text x="${left}" y="16" font-weight="bold">${escapeXml(title)}</text><text transform="translate(14 ${(top + h - bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text><line x1="${left}" x2="${w - 20}" y1="${h - bottom}" y2="${h - bottom}" stroke="#333"/>${bars}${legend}`,
  );
}
