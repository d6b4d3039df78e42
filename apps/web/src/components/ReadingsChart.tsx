import { Line, LineChart, ReferenceLine, XAxis, YAxis } from 'recharts';

export interface ReadingPoint {
  at: string;
  value?: number | null;
  unit?: string | null;
}

/**
 * The points a chart can draw: readings with a value in the guardrail's own unit (a reading in another unit,
 * e.g. a ratio against a % threshold, is left out rather than drawn against the wrong scale).
 */
export function chartPoints(recent: readonly ReadingPoint[], unit: string | null | undefined) {
  return recent
    .filter((r) => r.value !== null && r.value !== undefined && (!r.unit || r.unit === unit))
    .map((r) => ({ t: Date.parse(r.at), value: r.value as number }));
}

/** Recent readings as a line, the threshold as a dashed line; described in words for screen readers. */
export function ReadingsChart({
  recent,
  threshold,
  unit,
  label,
}: {
  recent: readonly ReadingPoint[];
  threshold?: number | null;
  unit?: string | null;
  label: string;
}) {
  const points = chartPoints(recent, unit);
  if (points.length === 0) return null;
  const values = points.map((p) => p.value);
  const top = Math.max(...values, threshold ?? -Infinity);
  const bottom = Math.min(...values, threshold ?? Infinity, 0);
  const u = unit ?? '';
  return (
    <figure
      role="img"
      aria-label={`${label}: ${points.length} recent readings from ${Math.min(...values)}${u} to ${Math.max(...values)}${u}${threshold !== null && threshold !== undefined ? `, threshold ${threshold}${u}` : ''}`}
      style={{ margin: 0 }}
    >
      <LineChart width={240} height={80} data={points} margin={{ top: 4, right: 4, bottom: 0, left: 0 }}>
        <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} hide />
        <YAxis domain={[bottom, top]} width={32} tick={{ fontSize: 10, fill: '#343a40' }} />
        {threshold !== null && threshold !== undefined && (
          <ReferenceLine y={threshold} stroke="#b02525" strokeDasharray="4 3" />
        )}
        <Line dataKey="value" stroke="#1864ab" dot={false} isAnimationActive={false} />
      </LineChart>
    </figure>
  );
}
