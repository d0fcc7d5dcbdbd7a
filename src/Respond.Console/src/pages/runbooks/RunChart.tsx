import { CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { duration } from './figures';
import type { RunPoint, TrendKind } from './trend';

const axis = { fill: 'var(--muted)', fontSize: 11 };

/** The picture of a runbook's runs (hidden from screen readers: the text beside it says the same). */
export default function RunChart({ points, kind, target }: { points: RunPoint[]; kind: TrendKind; target: number | null }) {
  return (
    <div className="chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height={90}>
        <ComposedChart data={points} accessibilityLayer={false} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--line)" strokeDasharray="2 3" vertical={false} />
          <XAxis dataKey="label" hide />
          <YAxis tick={axis} stroke="var(--line)" width={58} allowDecimals={false} tickFormatter={(s: number) => duration(s)} />
          <Tooltip
            contentStyle={{ backgroundColor: 'var(--bg)', border: '1px solid var(--line)', color: 'var(--fg)', fontSize: 12 }}
            formatter={(value) => (typeof value === 'number' ? duration(value) : '—')}
          />
          {kind === 'drill' && <Line dataKey="rto" name="RTO" stroke="var(--accent)" strokeWidth={2} dot={{ r: 2 }} connectNulls isAnimationActive={false} />}
          {kind === 'drill' && target !== null && (
            <ReferenceLine y={target} stroke="var(--medium)" strokeDasharray="4 3" ifOverflow="extendDomain" />
          )}
          {kind === 'backup' && (
            <Line dataKey="backupAge" name="Backup age" stroke="var(--accent)" strokeWidth={2} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
          )}
          {kind === 'backup' && (
            <Line dataKey="restore" name="Restore time" stroke="var(--low)" strokeWidth={2} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
          )}
          <Scatter dataKey="failedMark" name="Failed" fill="var(--critical)" shape="cross" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
