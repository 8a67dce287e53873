import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Debounced } from './debounce';

describe('Debounced', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('Push_KeystrokesWithinDelay_RunsOnceWithLastValue', () => {
    const runs: [string, boolean][] = [];
    const d = new Debounced<string>((v, t) => runs.push([v, t]), 150);
    d.push('a');
    vi.advanceTimersByTime(100);
    d.push('ab');
    vi.advanceTimersByTime(100);
    d.push('abc');
    expect(runs).toEqual([]);
    expect(d.pending).toBe(true);
    vi.advanceTimersByTime(149);
    expect(runs).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(runs).toEqual([['abc', true]]);
    expect(d.pending).toBe(false);
  });

  it('Flush_Pending_RunsNowAndTimerDoesNotRunAgain', () => {
    const runs: [string, boolean][] = [];
    const d = new Debounced<string>((v, t) => runs.push([v, t]), 150);
    d.push('x');
    expect(d.flush()).toBe(true);
    expect(runs).toEqual([['x', false]]);
    vi.advanceTimersByTime(1000);
    expect(runs).toEqual([['x', false]]);
    expect(d.flush()).toBe(false);
  });

  it('Cancel_Pending_NeverRuns', () => {
    const run = vi.fn();
    const d = new Debounced<number>(run, 150);
    d.push(1);
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();
    expect(d.pending).toBe(false);
  });

  it('Push_AfterRun_StartsANewWait', () => {
    const runs: number[] = [];
    const d = new Debounced<number>((v) => runs.push(v), 150);
    d.push(1);
    vi.advanceTimersByTime(150);
    d.push(2);
    vi.advanceTimersByTime(149);
    expect(runs).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(runs).toEqual([1, 2]);
  });

  it('Run_PushesDuringRun_KeepsTheNewValuePending', () => {
    const runs: number[] = [];
    let d!: Debounced<number>;
    d = new Debounced<number>((v) => {
      runs.push(v);
      if (v === 1) d.push(2);
    }, 150);
    d.push(1);
    d.flush();
    expect(runs).toEqual([1]);
    expect(d.pending).toBe(true);
    vi.advanceTimersByTime(150);
    expect(runs).toEqual([1, 2]);
  });
});

describe('isBulkEdit', () => {
  it('IsBulkEdit_Typing_False', async () => {
    const { isBulkEdit } = await import('./debounce');
    expect(isBulkEdit([{ text: 'a', rangeLength: 0 }])).toBe(false);
    expect(isBulkEdit([{ text: '', rangeLength: 1 }])).toBe(false); // backspace
    expect(isBulkEdit([{ text: '\n      ', rangeLength: 0 }])).toBe(false); // Enter with auto-indent
    expect(isBulkEdit([{ text: 'b', rangeLength: 5 }])).toBe(false); // typing over a short selection
  });

  it('IsBulkEdit_PasteReplaceOrMultiCursor_True', async () => {
    const { isBulkEdit } = await import('./debounce');
    expect(isBulkEdit([{ text: 'x'.repeat(200), rangeLength: 0 }])).toBe(true);
    expect(isBulkEdit([{ text: 'a\nb\nc', rangeLength: 0 }])).toBe(true);
    expect(isBulkEdit([{ text: '', rangeLength: 500 }])).toBe(true);
    expect(isBulkEdit([{ text: 'a', rangeLength: 0 }, { text: 'a', rangeLength: 0 }])).toBe(true);
  });
});
