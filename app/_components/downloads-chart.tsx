import type { DayCount } from "@/lib/files/staff-report";

// Downloads per day as a bar chart in inline SVG, rendered on the server (no chart
// library, no script). The numbers are also in a table for screen readers and copying.

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 16, right: 8, bottom: 28, left: 36 };

const dayLabel = (day: string) =>
  new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));

/** A round top for the y axis: 1, 2, 5, 10, 20, 50… at least `max`. */
function axisTop(max: number): number {
  for (let step = 1; ; step *= 10) {
    for (const m of [1, 2, 5]) if (m * step >= max) return m * step;
  }
}

export function DownloadsChart({ days }: { days: DayCount[] }) {
  const total = days.reduce((n, d) => n + d.downloads, 0);
  const busiest = days.reduce((a, b) => (b.downloads > a.downloads ? b : a), days[0]!);
  const top = axisTop(Math.max(1, busiest.downloads));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / days.length;
  const y = (value: number) => PAD.top + plotH - (value / top) * plotH;
  const summary =
    total === 0
      ? `No downloads in the last ${days.length} days.`
      : `${total} download${total === 1 ? "" : "s"} in the last ${days.length} days; the busiest day was ${dayLabel(busiest.day)} with ${busiest.downloads}.`;

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="chart-title chart-desc" data-testid="downloads-chart">
        <title id="chart-title">Downloads per day</title>
        <desc id="chart-desc">{summary}</desc>
        {[0, top / 2, top].map((tick) => (
          <g key={tick}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(tick) + 4} textAnchor="end" className="chart-label">
              {tick}
            </text>
          </g>
        ))}
        {days.map((d, i) => (
          <g key={d.day}>
            <rect
              x={PAD.left + i * slot + slot * 0.15}
              y={y(d.downloads)}
              width={slot * 0.7}
              height={y(0) - y(d.downloads)}
              className="chart-bar"
              data-day={d.day}
              data-downloads={d.downloads}
            />
            {i % 2 === (days.length - 1) % 2 && (
              <text x={PAD.left + i * slot + slot / 2} y={HEIGHT - 8} textAnchor="middle" className="chart-label">
                {dayLabel(d.day)}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption>{summary}</figcaption>
      <details>
        <summary>Downloads per day as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col" className="num">
                Downloads
              </th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <td>{dayLabel(d.day)}</td>
                <td className="num">{d.downloads}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
