'use client';

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PricePoint } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';
import { useNow } from '@/lib/hooks/use-now';

const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** The chart itself; loaded only in the browser (see PriceChart). */
export function PriceLines({ points }: { points: PricePoint[] }) {
  const now = useNow(60_000);
  // The current price runs on until now: one price is a flat line, not a lonely dot.
  const data = points.map((p) => ({ at: Date.parse(p.at), price: p.price }));
  const last = data[data.length - 1];
  if (last) data.push({ at: Math.max(now ?? 0, last.at + 1), price: last.price });
  return (
    <>
      <ol className="visually-hidden">
        {points.map((p) => (
          <li key={p.at}>
            {formatPrice(p.price)} from {shortDate.format(Date.parse(p.at))}
          </li>
        ))}
      </ol>
      <div className="chart-box" aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={(v: number) => shortDate.format(v)}
            tick={{ fontSize: 12 }}
            minTickGap={32}
          />
          <YAxis
            dataKey="price"
            tickFormatter={(v: number) => formatPrice(v)}
            tick={{ fontSize: 12 }}
            width={72}
            domain={[0, 'auto']}
          />
          <Tooltip
            labelFormatter={(v) => shortDate.format(Number(v))}
            formatter={(v) => [formatPrice(Number(v)), 'Price']}
          />
          <Line
            type="stepAfter"
            dataKey="price"
            stroke="var(--accent)"
            strokeWidth={2}
            // A dot for each price set; the point carrying the line on to now gets none.
            dot={({ cx, cy, index }) =>
              index < points.length ? (
                <circle key={index} cx={cx} cy={cy} r={3.5} fill="var(--surface)" stroke="var(--accent)" strokeWidth={2} />
              ) : (
                <g key={index} />
              )
            }
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
      </div>
    </>
  );
}
