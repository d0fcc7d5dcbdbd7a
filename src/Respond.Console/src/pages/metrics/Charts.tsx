import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { SERIES } from './series';
import { durationWords, type Bar as BarDatum, type ChartPoint } from './shape';

// The charts are pictures of the tables next to them: hidden from screen readers (the tables say the same in text), and
// drawn with the theme's CSS variables so light and dark both read.
const axis = { fill: 'var(--muted)', fontSize: 12 };
const tooltip = { backgroundColor: 'var(--bg)', border: '1px solid var(--line)', color: 'var(--fg)' };


export function TrendChart({ points }: { points: ChartPoint[] }) {
  return (
    <div className="chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={points} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
          {/* Band, as the bar chart below: each day's point sits over that day's bar. */}
          <XAxis dataKey="label" scale="band" tick={axis} stroke="var(--line)" minTickGap={24} />
          <YAxis tick={axis} stroke="var(--line)" width={88} allowDecimals={false} tickFormatter={(s: number) => durationWords(s)} />
          <Tooltip contentStyle={tooltip} formatter={(value) => durationWords(typeof value === 'number' ? value : null)} />
          <Legend />
          {SERIES.map((s) => (
            <Line key={s.key} type="monotone" dataKey={s.key} name={s.name} stroke={s.colour} strokeWidth={2} connectNulls
              dot={points.length <= 31} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function OpenedChart({ points }: { points: ChartPoint[] }) {
  return (
    <div className="chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height={140}>
        <BarChart data={points} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={axis} stroke="var(--line)" minTickGap={24} />
          <YAxis tick={axis} stroke="var(--line)" width={88} allowDecimals={false} />
          <Tooltip contentStyle={tooltip} cursor={{ fill: 'var(--panel)' }} />
          <Bar dataKey="opened" name="Opened" fill="var(--accent)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Horizontal bars, one per word, coloured by `colour(name)` (a CSS variable) when given. */
export function CountChart({ bars, colour }: { bars: BarDatum[]; colour?: (name: string) => string }) {
  return (
    <div className="chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height={Math.max(60, bars.length * 34 + 16)}>
        <BarChart data={bars} layout="vertical" accessibilityLayer={false} margin={{ top: 0, right: 24, bottom: 0, left: 8 }}>
          <XAxis type="number" hide allowDecimals={false} />
          <YAxis type="category" dataKey="name" tick={axis} stroke="var(--line)" width={110} />
          <Bar dataKey="count" isAnimationActive={false} label={{ position: 'right', fill: 'var(--fg)', fontSize: 12 }}>
            {bars.map((b) => (
              <Cell key={b.name} fill={colour?.(b.name) ?? 'var(--accent)'} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
