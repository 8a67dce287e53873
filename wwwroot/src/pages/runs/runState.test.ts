import { describe, expect, it } from 'vitest';
import type { Run, Step } from '../../api/types';
import { unwatchName } from '../../live/hub';
import { isLive, mergeStep, mergeSummary, normalizeRun, timeline, totals } from './runState';

const step = (index: number, startedAt: string, durationMs: number, extra: Partial<Step> = {}): Step => ({
  index, listener: `l${index}`, from: 'x', class: 'Msg', thread: 't', startedAt, durationMs, payloadIn: '<Msg/>', payloadsOut: [], ...extra,
});
const run = (steps: Step[]): Run => ({ runId: 'r', flowId: 'f', trigger: 'in', status: 'running', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1000, outputs: [], steps });

describe('run state', () => {
  it('MergeStep_OutOfOrderAndReplace_SortedUnique', () => {
    let r = run([]);
    r = mergeStep(r, step(2, '2026-01-01T00:00:00.500Z', 10));
    r = mergeStep(r, step(1, '2026-01-01T00:00:00.000Z', 10));
    r = mergeStep(r, step(2, '2026-01-01T00:00:00.500Z', 99));
    expect(r.steps.map((s) => [s.index, s.durationMs])).toEqual([[1, 10], [2, 99]]);
  });

  it('NormalizeRun_NullLists_BecomeEmpty', () => {
    const r = normalizeRun({ ...run([{ ...step(1, '2026-01-01T00:00:00.000Z', 1), payloadsOut: null as never }]), outputs: null as never });
    expect(r.outputs).toEqual([]);
    expect(r.steps[0].payloadsOut).toEqual([]);
  });

  it('MergeSummary_NewAndExisting_PrependsOrReplaces', () => {
    const a = { runId: 'a', flowId: 'f', trigger: 't', status: 'running', startedAt: '', durationMs: 0, stepCount: 0, error: null };
    const l = mergeSummary([a], { ...a, runId: 'b' });
    expect(l.map((x) => x.runId)).toEqual(['b', 'a']);
    expect(mergeSummary(l, { ...a, status: 'succeeded' })[1].status).toBe('succeeded');
  });

  it('TotalsAndTimeline_Steps_SumAndScale', () => {
    const r = run([step(1, '2026-01-01T00:00:00.000Z', 500, { fuel: 10, promptTokens: 3, completionTokens: 4, costUsd: 0.5 }), step(2, '2026-01-01T00:00:00.500Z', 500, { fuel: 5 })]);
    expect(totals(r)).toEqual({ fuel: 15, promptTokens: 3, completionTokens: 4, costUsd: 0.5 });
    expect(timeline(r)).toEqual([{ index: 1, left: 0, width: 0.5 }, { index: 2, left: 0.5, width: 0.5 }]);
    expect(isLive('running')).toBe(true);
    expect(isLive('failed')).toBe(false);
    expect(unwatchName('WatchRun')).toBe('UnwatchRun');
  });
});
