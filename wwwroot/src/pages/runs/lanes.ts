// Lanes of a run's steps: steps that overlap in time go side by side, so a fan-out's branches show
// as parallel rows of a Gantt chart. Pure, for the run page and its tests.
import type { Run } from '../../api/types';

export interface LaneBar {
  index: number;
  listener: string;
  lane: number;
  /** Offset and width as fractions (0..1) of the run's span. */
  left: number;
  width: number;
  startMs: number;
  durationMs: number;
  failed: boolean;
}

export interface Lanes {
  bars: LaneBar[];
  lanes: number;
  /** The run's span in ms (the chart's width). */
  spanMs: number;
}

/**
 * Places each step (by start, then index) in the first lane whose previous step has ended, so steps
 * that ran at the same time never share a lane. A step shorter than `minMs` counts as `minMs` long,
 * so instant steps (errors, routing) stay visible without overlapping the next one in their lane.
 */
export function lanes(run: Run, minMs = 1): Lanes {
  const t0 = Date.parse(run.startedAt);
  const steps = run.steps
    .map((s) => ({ s, start: Math.max(0, Date.parse(s.startedAt) - t0), dur: Math.max(0, s.durationMs ?? 0) }))
    .sort((a, b) => a.start - b.start || a.s.index - b.s.index);
  const span = Math.max(run.durationMs ?? 0, 1, ...steps.map((x) => x.start + Math.max(x.dur, minMs)));
  const ends: number[] = [];
  const bars: LaneBar[] = [];
  for (const { s, start, dur } of steps) {
    const end = start + Math.max(dur, minMs);
    let lane = ends.findIndex((e) => e <= start);
    if (lane < 0) {
      lane = ends.length;
      ends.push(end);
    } else ends[lane] = end;
    bars.push({
      index: s.index, listener: s.listener, lane, left: start / span, width: Math.max(0.004, Math.max(dur, minMs) / span),
      startMs: start, durationMs: dur, failed: !!s.error,
    });
  }
  return { bars, lanes: ends.length, spanMs: span };
}
