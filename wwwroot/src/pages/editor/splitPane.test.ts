import { describe, expect, it } from 'vitest';
import { loadSplit, saveSplit, SPLIT_DEFAULT, splitAt, splitColumns } from './splitPane';

describe('split view divider', () => {
  it('follows the pointer within the two columns', () => {
    expect(splitAt(600, 200, 800)).toBe(0.5);
    expect(splitAt(500, 200, 800)).toBe(0.375);
  });
  it('keeps each side at least 220 px wide', () => {
    expect(splitAt(200, 200, 800)).toBeCloseTo(220 / 800);
    expect(splitAt(5000, 200, 800)).toBeCloseTo(1 - 220 / 800);
    expect(splitAt(300, 200, 300)).toBe(0.5); // too narrow for both minimums: stays centred
  });
  it('falls back to the middle on a zero width', () => {
    expect(splitAt(10, 0, 0)).toBe(SPLIT_DEFAULT);
  });
  it('writes fr columns around the fixed palette and inspector', () => {
    expect(splitColumns(0.25)).toBe('170px minmax(0, 0.2500fr) minmax(0, 0.7500fr) 280px');
  });
  it('round-trips through storage and ignores junk', () => {
    const m = new Map<string, string>();
    const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    expect(loadSplit(storage)).toBe(SPLIT_DEFAULT);
    saveSplit(0.3, storage);
    expect(loadSplit(storage)).toBe(0.3);
    m.set('nextra.split', 'wide');
    expect(loadSplit(storage)).toBe(SPLIT_DEFAULT);
  });
});
