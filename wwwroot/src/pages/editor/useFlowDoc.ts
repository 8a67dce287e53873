// The editor's document state: the YAML text is the source of truth, the graph is derived,
// the last valid parse is kept so an invalid YAML never blanks the canvas.
import { useCallback, useMemo, useRef, useState } from 'react';
import { emptyCanvas, toGraph, type CanvasState, type Graph } from '../../flow/graph';
import { parseFlow, type FlowModel, type ParsedFlow, type YamlError } from '../../flow/model';
import { initHistory, push, redo as redoH, undo as undoH, type DocState, type History } from './history';

export interface FlowDoc {
  text: string;
  canvas: CanvasState;
  /** The model of the last valid text. */
  model: FlowModel;
  graph: Graph;
  /** The parse of the last valid text (for line lookups). */
  parsed: ParsedFlow;
  yamlError: YamlError | null;
  canUndo: boolean;
  canRedo: boolean;
  /** Applies a text (and optionally canvas) change as one undo step; `tag` coalesces typing. */
  change: (f: (s: DocState) => DocState, tag?: string) => void;
  undo: () => void;
  redo: () => void;
  reset: (s: DocState) => void;
}

export function normalizeCanvas(v: unknown): CanvasState {
  if (v && typeof v === 'object' && 'positions' in v && typeof (v as CanvasState).positions === 'object') return v as CanvasState;
  return emptyCanvas();
}

export function useFlowDoc(initial: DocState): FlowDoc {
  const [h, setH] = useState<History>(() => initHistory(initial));
  const lastValid = useRef<ParsedFlow | null>(null);
  const parsed = useMemo(() => parseFlow(h.present.text), [h.present.text]);
  if (parsed.model) lastValid.current = parsed;
  const valid = lastValid.current ?? parseFlow('listeners: []\n');
  const model = valid.model!;
  const graph = useMemo(() => toGraph(model, h.present.canvas), [model, h.present.canvas]);
  // Edits are computed here, outside the state updater, so a failing edit throws to its caller
  // (which shows it) instead of inside React's render; the ref sees edits not yet rendered.
  const present = useRef(h.present);
  present.current = h.present;
  const hist = useRef(h);
  hist.current = h;
  const change = useCallback((f: (s: DocState) => DocState, tag?: string) => {
    const next = f(present.current);
    present.current = next;
    setH((cur) => push(cur, next, tag));
  }, []);
  const move = useCallback((f: (h: History) => History) => {
    const next = f(hist.current);
    present.current = next.present;
    hist.current = next;
    setH(next);
  }, []);
  const undo = useCallback(() => move(undoH), [move]);
  const redo = useCallback(() => move(redoH), [move]);
  const reset = useCallback((s: DocState) => move(() => initHistory(s)), [move]);
  return {
    text: h.present.text,
    canvas: h.present.canvas,
    model,
    graph,
    parsed: valid,
    yamlError: parsed.error,
    canUndo: h.past.length > 0,
    canRedo: h.future.length > 0,
    change,
    undo,
    redo,
    reset,
  };
}
