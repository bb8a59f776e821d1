import { formatMoney, type Schemas } from '../lib/api.ts';

/** Net revenue per day as bars, in plain SVG (scales to the screen width). */
export function RevenueChart({ report }: { report: Schemas['RevenueReport'] }) {
  const days = report.days;
  const width = 600;
  const height = 180;
  const pad = { top: 16, bottom: 24, left: 8, right: 8 };
  const max = Math.max(1, ...days.map((d) => d.net.amount));
  const slot = (width - pad.left - pad.right) / Math.max(1, days.length);
  const barHeight = (amount: number) => ((height - pad.top - pad.bottom) * amount) / max;
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`Net revenue per day from ${report.from} to ${report.to}`}
      data-testid="revenue-chart"
    >
      <line
        x1={pad.left}
        x2={width - pad.right}
        y1={height - pad.bottom}
        y2={height - pad.bottom}
        stroke="#dde1e8"
      />
      {days.map((day, i) => {
        const h = barHeight(day.net.amount);
        return (
          <rect
            key={day.date}
            x={pad.left + i * slot + slot * 0.15}
            y={height - pad.bottom - h}
            width={slot * 0.7}
            height={Math.max(h, day.net.amount > 0 ? 1 : 0)}
            fill="#0b6bcb"
            data-amount={day.net.amount}
          >
            <title>{`${day.date}: ${formatMoney(day.net)} (${day.orders} orders)`}</title>
          </rect>
        );
      })}
      <text x={pad.left} y={height - 6} fontSize="11" fill="#5d6678">
        {report.from}
      </text>
      <text x={width - pad.right} y={height - 6} fontSize="11" fill="#5d6678" textAnchor="end">
        {report.to}
      </text>
      <text x={pad.left} y={12} fontSize="11" fill="#5d6678">
        max {formatMoney({ amount: max, currency: report.currency })}
      </text>
    </svg>
  );
}
