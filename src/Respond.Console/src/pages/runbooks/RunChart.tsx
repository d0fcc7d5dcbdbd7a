import { CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { when } from '../../components/when';
import { duration } from './figures';
import { axisDuration, axisTop, type RunPoint, type TrendKind } from './trend';

const axis = { fill: 'var(--muted)', fontSize: 11 };
const line = { strokeWidth: 2, dot: { r: 2 }, connectNulls: true, isAnimationActive: false } as const;

/**
 * The picture of a runbook's runs, oldest on the left (hidden from screen readers: the text beside it says the same). Two
 * ticks only, 0 and the top, so a narrow column stays legible; a failed run is a red vertical line, and a cross on its figure.
 */
export default function RunChart({ points, kind, target }: { points: RunPoint[]; kind: TrendKind; target: number | null }) {
  const top = axisTop(points, kind, target);
  const at = new Map(points.map((p) => [p.runId, p.at]));
  return (
    <div className="chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height={100}>
        <ComposedChart data={points} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="var(--line)" strokeDasharray="2 3" vertical={false} />
          <XAxis dataKey="runId" hide />
          <YAxis tick={axis} stroke="var(--line)" width={52} domain={[0, top || 1]} ticks={[0, top || 1]} tickFormatter={axisDuration} />
          <Tooltip
            contentStyle={{ backgroundColor: 'var(--bg)', border: '1px solid var(--line)', color: 'var(--fg)', fontSize: 12 }}
            labelFormatter={(runId) => when(at.get(String(runId)) ?? '')}
            formatter={(value) => (typeof value === 'number' ? duration(value) : '—')}
          />
          {points.filter((p) => p.failed).map((p) => (
            <ReferenceLine key={p.runId} x={p.runId} stroke="var(--critical)" strokeWidth={2} strokeDasharray="3 2" />
          ))}
          {kind === 'drill' && target !== null && <ReferenceLine y={target} stroke="var(--medium)" strokeDasharray="4 3" />}
          {kind === 'drill' && <Line dataKey="rto" name="RTO" stroke="var(--accent)" {...line} />}
          {kind === 'backup' && <Line dataKey="backupAge" name="Backup age" stroke="var(--accent)" {...line} />}
          {kind === 'backup' && <Line dataKey="restore" name="Restore time" stroke="var(--low)" {...line} />}
          <Scatter dataKey="failedMark" name="Failed" fill="var(--critical)" shape="cross" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
