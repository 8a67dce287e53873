import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../api/types';
import { atBottom, clearLogs, emptyLogs, levelClass, mergeLogs } from './logBuffer';

const at = (s: number) => new Date(Date.UTC(2026, 10, 26, 8, 0, s)).toISOString();
const line = (s: number, message: string, level = 'info'): LogLine => ({ at: at(s), level, message });

describe('log buffer', () => {
  it('MergeLogs_RecentThenOverlappingLive_NoDuplicates', () => {
    let b = mergeLogs(emptyLogs, [line(1, 'a'), line(2, 'b')]);
    b = mergeLogs(b, [line(2, 'b'), line(3, 'c')]);
    expect(b.lines.map((l) => l.message)).toEqual(['a', 'b', 'c']);
  });

  it('MergeLogs_SameInstantDifferentFormat_Deduplicated', () => {
    const b = mergeLogs(emptyLogs, [{ at: '2026-11-26T08:00:01.000+00:00', level: 'info', message: 'x' }]);
    expect(mergeLogs(b, [{ at: '2026-11-26T08:00:01Z', level: 'info', message: 'x' }])).toBe(b);
  });

  it('MergeLogs_LiveBeforeRecentArrives_SortedByTime', () => {
    let b = mergeLogs(emptyLogs, [line(5, 'live')]);
    b = mergeLogs(b, [line(1, 'old1'), line(2, 'old2'), line(5, 'live')]);
    expect(b.lines.map((l) => l.message)).toEqual(['old1', 'old2', 'live']);
  });

  it('MergeLogs_OverCap_KeepsNewest', () => {
    const many = Array.from({ length: 50 }, (_, i) => line(i, `m${i}`));
    const b = mergeLogs(emptyLogs, many, 10);
    expect(b.lines.length).toBe(10);
    expect(b.lines[0].message).toBe('m40');
    expect(b.lines[9].message).toBe('m49');
  });

  it('MergeLogs_AnyArrivalOrder_TimeOrderedUniqueAndCapped', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 15 }), { maxLength: 8 }), fc.integer({ min: 1, max: 30 }), (batches, cap) => {
      let b = emptyLogs;
      for (const batch of batches) b = mergeLogs(b, batch.map((s) => line(s, `m${s}`)), cap);
      const secs = b.lines.map((l) => Date.parse(l.at));
      expect([...secs].sort((x, y) => x - y)).toEqual(secs);
      expect(new Set(secs).size).toBe(secs.length);
      expect(b.lines.length).toBeLessThanOrEqual(cap);
    }));
  });

  it('ClearLogs_ThenRefetchOfOldLines_StaysEmptyButNewLinesShow', () => {
    let b = mergeLogs(emptyLogs, [line(1, 'a'), line(2, 'b')]);
    b = clearLogs(b, Date.parse(at(3)));
    expect(b.lines).toEqual([]);
    b = mergeLogs(b, [line(1, 'a'), line(2, 'b')]);
    expect(b.lines).toEqual([]);
    b = mergeLogs(b, [line(4, 'c')]);
    expect(b.lines.map((l) => l.message)).toEqual(['c']);
  });

  it('LevelClass_Levels_Classes', () => {
    expect(levelClass('error')).toBe('log-error');
    expect(levelClass('Warning')).toBe('log-warn');
    expect(levelClass('debug')).toBe('log-debug');
    expect(levelClass('info')).toBe('log-info');
  });

  it('AtBottom_ScrolledUp_False', () => {
    expect(atBottom({ scrollTop: 100, clientHeight: 200, scrollHeight: 300 })).toBe(true);
    expect(atBottom({ scrollTop: 50, clientHeight: 200, scrollHeight: 300 })).toBe(false);
  });
});
