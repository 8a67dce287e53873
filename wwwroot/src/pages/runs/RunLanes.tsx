// The run as a Gantt chart: one row per lane, steps that ran at the same time (a fan-out's branches,
// a map's items) side by side. Clicking a bar opens that step below.
import { useMemo } from 'react';
import type { Run } from '../../api/types';
import { duration } from '../../components/format';
import { lanes } from './lanes';

const ROW = 26;

export function RunLanes({ run, open, onOpen }: { run: Run; open: number | null; onOpen: (index: number) => void }) {
  const l = useMemo(() => lanes(run), [run]);
  if (l.bars.length === 0) return null;
  return (
    <section className="run-lanes" data-testid="gantt">
      <h3>
        Timeline{' '}
        <span className="muted small" data-testid="gantt-summary">
          {l.lanes > 1 ? `up to ${l.lanes} steps at once` : 'one step at a time'} · {duration(l.spanMs)}
        </span>
      </h3>
      <div className="lanes" style={{ height: l.lanes * ROW }}>
        {Array.from({ length: l.lanes }, (_, i) => <div key={i} className="lane" style={{ top: i * ROW }} data-testid="gantt-lane" />)}
        {l.bars.map((b) => (
          <button
            key={b.index}
            className={`lane-bar${b.failed ? ' failed' : ''}${open === b.index ? ' open' : ''}`}
            style={{ left: `${b.left * 100}%`, width: `${b.width * 100}%`, top: b.lane * ROW }}
            title={`#${b.index} ${b.listener} · starts at ${duration(b.startMs)} · ${duration(b.durationMs)}`}
            onClick={() => onOpen(b.index)}
            data-testid="gantt-bar"
            data-lane={b.lane}
            data-listener={b.listener}
          >
            <span>{b.listener}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
