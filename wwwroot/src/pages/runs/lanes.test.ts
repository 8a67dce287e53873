import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Run, Step } from '../../api/types';
import { lanes } from './lanes';

const t0 = Date.parse('2026-01-01T00:00:00.000Z');
const step = (index: number, startMs: number, durationMs: number, error = false): Step => ({
  index, listener: `l${index}`, from: 'x', class: 'Msg', thread: 't', startedAt: new Date(t0 + startMs).toISOString(), durationMs,
  payloadIn: '<Msg/>', payloadsOut: [], error: error ? { code: 'boom', message: 'b' } : null,
});
const run = (steps: Step[], durationMs = 1000): Run => ({ runId: 'r', flowId: 'f', trigger: 'in', status: 'succeeded', startedAt: new Date(t0).toISOString(), durationMs, outputs: [], steps });

describe('run lanes', () => {
  it('Lanes_FanoutBranches_SideBySide_SequentialStepsShareALane', () => {
    // fan-out at 0, three branches at once from 10 ms, the join after them.
    const l = lanes(run([step(0, 0, 5), step(1, 10, 100), step(2, 10, 50), step(3, 11, 80, true), step(4, 120, 5)], 200));
    const lane = Object.fromEntries(l.bars.map((b) => [b.index, b.lane]));
    expect(l.lanes).toBe(3);
    expect(new Set([lane[1], lane[2], lane[3]]).size).toBe(3);
    expect(lane[0]).toBe(0);
    expect(lane[4]).toBe(0);
    expect(l.bars.find((b) => b.index === 3)!.failed).toBe(true);
    expect(l.bars.find((b) => b.index === 1)!.left).toBeCloseTo(10 / 200);
    expect(l.bars.find((b) => b.index === 1)!.width).toBeCloseTo(100 / 200);
  });

  it('Lanes_RandomSteps_NoTwoOverlappingStepsShareALane', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ start: fc.nat({ max: 500 }), dur: fc.nat({ max: 200 }) }), { maxLength: 40 }), (specs) => {
        const l = lanes(run(specs.map((x, i) => step(i, x.start, x.dur))));
        expect(l.bars).toHaveLength(specs.length);
        for (const a of l.bars) {
          expect(a.left + a.width).toBeLessThanOrEqual(1.0001);
          for (const b of l.bars) {
            if (a === b || a.lane !== b.lane) continue;
            const overlap = a.startMs < b.startMs + Math.max(b.durationMs, 1) && b.startMs < a.startMs + Math.max(a.durationMs, 1);
            expect(overlap).toBe(false);
          }
        }
        // Lanes are used densely: lane k exists only if some step needed it.
        expect(new Set(l.bars.map((b) => b.lane)).size).toBe(l.lanes);
      }),
      { numRuns: 200 },
    );
  });
});
