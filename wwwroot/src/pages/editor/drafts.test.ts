import { describe, expect, it } from 'vitest';
import { clearDraft, draftToOffer, editorFlowOf, loadDraft, saveDraft } from './drafts';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

const canvas = { positions: { 'l:a': { x: 1, y: 2 } } };

describe('drafts', () => {
  it('round-trips a draft per flow and clears it', () => {
    const s = memory();
    saveDraft('f1', { text: 'a: 1\n', canvas, version: 3, at: 42 }, s);
    expect(loadDraft('f1', s)).toEqual({ text: 'a: 1\n', canvas, version: 3, at: 42 });
    expect(loadDraft('f2', s)).toBeNull();
    clearDraft('f1', s);
    expect(loadDraft('f1', s)).toBeNull();
  });

  it('offers only a draft that differs from the saved text, and drops one that does not', () => {
    const s = memory();
    saveDraft('f1', { text: 'same\n', canvas, version: 1, at: 1 }, s);
    expect(draftToOffer('f1', 'same\n', s)).toBeNull();
    expect(s.m.size).toBe(0);
    saveDraft('f1', { text: 'edited\n', canvas, version: 1, at: 1 }, s);
    expect(draftToOffer('f1', 'same\n', s)?.text).toBe('edited\n');
  });

  it('ignores a corrupt or foreign entry and survives a storage that throws', () => {
    const s = memory();
    s.setItem('nextra.draft.f1', '{not json');
    expect(loadDraft('f1', s)).toBeNull();
    s.setItem('nextra.draft.f1', JSON.stringify({ text: 5 }));
    expect(loadDraft('f1', s)).toBeNull();
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem: () => {} };
    expect(saveDraft('f1', { text: 'x', canvas, version: 1, at: 1 }, full)).toBe(false);
  });

  it('treats canvas, YAML and split of one flow as the same editor, anything else as leaving', () => {
    expect(editorFlowOf('/flow/abc')).toBe('abc');
    expect(editorFlowOf('/flow/abc/yaml')).toBe('abc');
    expect(editorFlowOf('/flow/abc/split')).toBe('abc');
    expect(editorFlowOf('/flow/abc/runs')).toBeNull();
    expect(editorFlowOf('/dashboard')).toBeNull();
  });
});
