// Unsaved work kept in the browser, one draft per flow: written while the editor holds edits the
// server has not stored, removed once they are saved or discarded, offered back on the next open
// (after a reload, a crash, or leaving the page). Storage is a parameter so tests run without a DOM.
import type { DocState } from './history';

export interface Draft extends DocState {
  /** The flow version the edits started from. */
  version: number;
  /** When the draft was written (ms since the epoch). */
  at: number;
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const key = (flowId: string) => `nextra.draft.${flowId}`;
const browser = (): Store | null => (typeof localStorage === 'undefined' ? null : localStorage);

export function loadDraft(flowId: string, store: Store | null = browser()): Draft | null {
  try {
    const raw = store?.getItem(key(flowId));
    if (!raw) return null;
    const d = JSON.parse(raw) as Partial<Draft>;
    if (typeof d.text !== 'string' || !d.canvas || typeof d.canvas !== 'object') return null;
    return { text: d.text, canvas: d.canvas, version: Number(d.version) || 0, at: Number(d.at) || 0 };
  } catch {
    return null;
  }
}

/** Writes the draft; a full or blocked storage is not an error worth interrupting an edit for. */
export function saveDraft(flowId: string, d: Draft, store: Store | null = browser()): boolean {
  try {
    store?.setItem(key(flowId), JSON.stringify(d));
    return !!store;
  } catch {
    return false;
  }
}

export function clearDraft(flowId: string, store: Store | null = browser()) {
  try {
    store?.removeItem(key(flowId));
  } catch {
    // nothing to clear
  }
}

/** The draft worth offering when a flow opens: one whose text differs from what the server holds. */
export function draftToOffer(flowId: string, savedText: string, store: Store | null = browser()): Draft | null {
  const d = loadDraft(flowId, store);
  if (!d) return null;
  if (d.text === savedText) {
    clearDraft(flowId, store);
    return null;
  }
  return d;
}

/** The editor path of a location, or null: view switches inside one flow's editor are not leaving it. */
export function editorFlowOf(pathname: string): string | null {
  const m = /^\/flow\/([^/]+)(?:\/(split|yaml))?\/?$/.exec(pathname);
  return m ? m[1] : null;
}
