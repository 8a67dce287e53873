import { describe, expect, it } from 'vitest';
import { nextSelection } from './selection';

describe('nextSelection', () => {
  it('applies a click (deselect the old, select the new)', () => {
    expect(nextSelection(['l:a'], [{ id: 'l:a', selected: false }, { id: 'l:b', selected: true }])).toEqual(['l:b']);
  });
  it('adds to a multi-selection in pick order and ignores repeats', () => {
    expect(nextSelection(['l:a'], [{ id: 'l:b', selected: true }, { id: 'l:a', selected: true }])).toEqual(['l:a', 'l:b']);
  });
  it('a pane click clears everything', () => {
    expect(nextSelection(['l:a', 'l:b'], [{ id: 'l:a', selected: false }, { id: 'l:b', selected: false }])).toEqual([]);
  });
});
