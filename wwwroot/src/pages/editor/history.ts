// Undo/redo over the pair (YAML text, canvas state): one history for canvas and YAML edits.
import type { CanvasState } from '../../flow/graph';

export interface DocState {
  text: string;
  canvas: CanvasState;
}

export interface History {
  past: DocState[];
  present: DocState;
  future: DocState[];
  /** Consecutive edits with the same tag within `coalesceMs` merge into one step (typing). */
  lastTag?: string;
  lastAt?: number;
}

const LIMIT = 200;
export const coalesceMs = 1000;

export function initHistory(present: DocState): History {
  return { past: [], present, future: [] };
}

export function push(h: History, next: DocState, tag?: string, now = Date.now()): History {
  if (next.text === h.present.text && next.canvas === h.present.canvas) return h;
  if (tag && tag === h.lastTag && h.lastAt !== undefined && now - h.lastAt < coalesceMs) {
    return { ...h, present: next, future: [], lastAt: now };
  }
  const past = [...h.past, h.present];
  if (past.length > LIMIT) past.shift();
  return { past, present: next, future: [], lastTag: tag, lastAt: now };
}

export function undo(h: History): History {
  if (!h.past.length) return h;
  const prev = h.past[h.past.length - 1];
  return { past: h.past.slice(0, -1), present: prev, future: [h.present, ...h.future] };
}

export function redo(h: History): History {
  if (!h.future.length) return h;
  const [next, ...rest] = h.future;
  return { past: [...h.past, h.present], present: next, future: rest };
}
