// The editor's document state: the YAML text is the source of truth, the graph is derived,
// the last valid parse is kept so an invalid YAML never blanks the canvas.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { emptyCanvas, toGraph, type CanvasState, type Graph } from '../../flow/graph';
import { parseFlow, type FlowModel, type ParsedFlow, type YamlError } from '../../flow/model';
import { Debounced, YAML_PARSE_DELAY_MS } from './debounce';
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
  /**
   * Like `change`, but deferred until typing pauses (YAML_PARSE_DELAY_MS): the latest deferred
   * change replaces an earlier one not yet applied. Any other change, undo, redo, reset or
   * `flush` applies it first, so the document is never behind when something reads or edits it.
   */
  defer: (f: (s: DocState) => DocState, tag?: string) => void;
  /** Applies a deferred change now; returns the current state. */
  flush: () => DocState;
  /** True while a deferred change waits (the editor shows it as unsaved). */
  deferred: boolean;
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
  const [deferred, setDeferred] = useState(false);
  const apply = useCallback((f: (s: DocState) => DocState, tag?: string) => {
    const next = f(present.current);
    // Refs first, so a flush followed by undo in the same tick sees the flushed step.
    const nh = push(hist.current, next, tag);
    present.current = nh.present;
    hist.current = nh;
    setH(nh);
  }, []);
  const pending = useRef<Debounced<{ f: (s: DocState) => DocState; tag?: string }> | null>(null);
  pending.current ??= new Debounced(({ f, tag }, fromTimer) => {
    // From the timer: render synchronously, so a keystroke cannot land between this state
    // update and its commit (the YAML editor would then see an older text than it holds).
    if (fromTimer) {
      flushSync(() => {
        apply(f, tag);
        setDeferred(false);
      });
    } else {
      apply(f, tag);
      setDeferred(false);
    }
  }, YAML_PARSE_DELAY_MS);
  useEffect(() => () => pending.current?.cancel(), []);
  const flush = useCallback(() => {
    pending.current!.flush();
    return present.current;
  }, []);
  const defer = useCallback((f: (s: DocState) => DocState, tag?: string) => {
    if (!pending.current!.pending) setDeferred(true);
    pending.current!.push({ f, tag });
  }, []);
  const change = useCallback((f: (s: DocState) => DocState, tag?: string) => {
    pending.current!.flush();
    apply(f, tag);
  }, [apply]);
  const move = useCallback((f: (h: History) => History) => {
    pending.current!.flush();
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
    defer,
    flush,
    deferred,
    undo,
    redo,
    reset,
  };
}
