import { describe, expect, it } from 'vitest';
import { initHistory, push, redo, undo } from './history';

const c = { positions: {} };
const s = (text: string) => ({ text, canvas: c });

describe('history', () => {
  it('UndoRedo_ThreeEdits_WalksBackAndForth', () => {
    let h = initHistory(s('a'));
    h = push(h, s('b'), 'canvas', 0);
    h = push(h, s('c'), 'canvas', 5000);
    expect(undo(h).present.text).toBe('b');
    expect(undo(undo(h)).present.text).toBe('a');
    expect(undo(undo(undo(h))).present.text).toBe('a');
    expect(redo(undo(undo(h))).present.text).toBe('b');
  });

  it('Push_TypingWithinWindow_Coalesces', () => {
    let h = initHistory(s('a'));
    h = push(h, s('ab'), 'yaml', 0);
    h = push(h, s('abc'), 'yaml', 300);
    h = push(h, s('abcd'), 'yaml', 600);
    expect(h.past.map((x) => x.text)).toEqual(['a']);
    h = push(h, s('abcde'), 'yaml', 5000);
    expect(h.past.map((x) => x.text)).toEqual(['a', 'abcd']);
  });

  it('Push_AfterUndo_DropsRedoStack', () => {
    let h = initHistory(s('a'));
    h = push(h, s('b'), undefined, 0);
    h = undo(h);
    h = push(h, s('x'), undefined, 10);
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
  });

  it('Push_SameState_NoEntry', () => {
    const h = initHistory(s('a'));
    expect(push(h, { text: 'a', canvas: c })).toBe(h);
  });
});
