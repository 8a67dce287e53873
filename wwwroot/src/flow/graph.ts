// Derives the canvas graph (nodes, edges) from the flow model plus the stored canvas state.
import type { FlowModel, ListenerModel, TriggerModel } from './model';

/** Every canvas node kind (the icon guard test walks this list: each kind needs its own icon). */
export const nodeKinds = ['trigger', 'llm', 'http', 'code', 'branch', 'output', 'fanout', 'join', 'map', 'sequence', 'generic'] as const;
export type NodeKind = (typeof nodeKinds)[number];

export interface XY {
  x: number;
  y: number;
}

/** Canvas state stored beside the YAML (never in it): positions keyed by node id, viewport. */
export interface CanvasState {
  positions: Record<string, XY>;
  viewport?: { x: number; y: number; zoom: number };
  /** Pinned sample inputs of the Run form, keyed by listener name (form values of its payload class). */
  samples?: Record<string, Record<string, string | boolean>>;
}

export interface GraphNode {
  id: string;
  kind: NodeKind;
  name: string;
  position: XY;
  /** Index into triggers[] or listeners[]. */
  index: number;
  line: number;
  endLine: number;
  subtitle: string;
}

/** peer; trigger target; branch case/else; `fanout` entry; a map's `to` (each); a sequence step. */
export type EdgeKind = 'peer' | 'trigger' | 'case' | 'else' | 'fanout' | 'each' | 'step';

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  label?: string;
  /** A listener sending back to itself or to an earlier listener: drawn as a loop arrow. */
  loop: boolean;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const triggerId = (name: string) => `t:${name}`;
export const listenerId = (name: string) => `l:${name}`;

export function kindOf(handler: string): NodeKind {
  switch (handler) {
    case 'llm':
    case 'http':
    case 'code':
    case 'branch':
    case 'output':
    case 'fanout':
    case 'join':
    case 'map':
    case 'sequence':
      return handler;
    default:
      return 'generic';
  }
}

export function emptyCanvas(): CanvasState {
  return { positions: {} };
}

const COL = 260;
const ROW = 120;
const WRAP = 8;

/**
 * Places nodes without a stored position: triggers in column 0, each listener one column right
 * of the first node that reaches it (breadth-first), unreached listeners in a last column.
 */
export function autoLayout(model: FlowModel, canvas: CanvasState): Record<string, XY> {
  const out: Record<string, XY> = {};
  const missing = (id: string) => !canvas.positions[id];
  const byName = new Map(model.listeners.map((l) => [l.name, l]));
  const depth = new Map<string, number>();
  const queue: string[] = [];
  for (const t of model.triggers) {
    if (byName.has(t.target) && !depth.has(t.target)) {
      depth.set(t.target, 1);
      queue.push(t.target);
    }
  }
  if (queue.length === 0 && model.listeners.length) {
    depth.set(model.listeners[0].name, 1);
    queue.push(model.listeners[0].name);
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const l = byName.get(queue[qi])!;
    for (const p of targetsOf(l)) {
      if (byName.has(p) && !depth.has(p)) {
        depth.set(p, depth.get(l.name)! + 1);
        queue.push(p);
      }
    }
  }
  const maxDepth = Math.max(1, ...depth.values());
  // Columns by depth; long chains wrap into bands of WRAP columns so big flows stay compact.
  const colOf = new Map<string, number>();
  model.triggers.forEach((t) => colOf.set(triggerId(t.name), 0));
  for (const l of model.listeners) colOf.set(listenerId(l.name), depth.get(l.name) ?? maxDepth + 1);
  const rowsIn = new Map<number, number>();
  const slot = new Map<string, number>();
  for (const [id, col] of colOf) {
    const r = rowsIn.get(col) ?? 0;
    rowsIn.set(col, r + 1);
    slot.set(id, r);
  }
  const bandHeight = new Map<number, number>();
  for (const [col, rows] of rowsIn) {
    const band = Math.floor(col / WRAP);
    bandHeight.set(band, Math.max(bandHeight.get(band) ?? 0, rows));
  }
  const bandTop = (band: number) => {
    let y = 0;
    for (let b = 0; b < band; b++) y += ((bandHeight.get(b) ?? 0) + 1) * ROW;
    return y;
  };
  const tops = new Map<number, number>();
  for (const [id, col] of colOf) {
    if (!missing(id)) continue;
    const band = Math.floor(col / WRAP);
    if (!tops.has(band)) tops.set(band, bandTop(band));
    out[id] = { x: (col % WRAP) * COL, y: tops.get(band)! + slot.get(id)! * ROW };
  }
  return out;
}

export function targetsOf(l: ListenerModel): string[] {
  const seen = new Set<string>(l.fanout);
  if (l.mapTo) seen.add(l.mapTo);
  for (const s of l.steps) seen.add(s);
  for (const p of l.peers) seen.add(p);
  for (const c of l.cases) seen.add(c.to);
  if (l.elseTo) seen.add(l.elseTo);
  return [...seen].filter((x) => x !== '');
}

function subtitleOfListener(l: ListenerModel): string {
  const model = l.config && typeof l.config.model === 'string' ? ` · ${l.config.model}` : '';
  // A code block running a registered module names it (and its version) on the canvas.
  const module = l.handler === 'code' && l.config && typeof l.config.module === 'string' ? ` · ${l.config.module}` : '';
  return `${l.handler || '?'} · ${l.payloadClass || '?'}${model}${module}${parallelNote(l)}`;
}

/** What a parallel node does at a glance: its width, its deadline, its steps. */
function parallelNote(l: ListenerModel): string {
  const timeout = l.config && typeof l.config.timeout_ms === 'number' ? ` · ${l.config.timeout_ms} ms` : '';
  switch (l.handler) {
    case 'fanout':
      return ` · ${l.fanout.length} branches`;
    case 'join':
      return (typeof l.config?.expect === 'number' ? ` · ${l.config.expect} branches` : l.expect.length ? ` · ${l.expect.length} branches` : '') + timeout;
    case 'map':
      return (l.mapTo ? ` · each → ${l.mapTo}` : '') + timeout;
    case 'sequence':
      return ` · ${l.steps.length} steps`;
    default:
      return '';
  }
}

function subtitleOfTrigger(t: TriggerModel): string {
  return `${t.type || '?'} · ${t.payload || '?'}`;
}

export function toGraph(model: FlowModel, canvas: CanvasState): Graph {
  const auto = autoLayout(model, canvas);
  const pos = (id: string) => canvas.positions[id] ?? auto[id] ?? { x: 0, y: 0 };
  const nodes: GraphNode[] = [];
  for (const t of model.triggers) {
    const id = triggerId(t.name);
    if (nodes.some((n) => n.id === id)) continue;
    nodes.push({ id, kind: 'trigger', name: t.name, position: pos(id), index: t.index, line: t.line, endLine: t.endLine, subtitle: subtitleOfTrigger(t) });
  }
  const index = new Map<string, number>();
  const ids = new Set(nodes.map((n) => n.id));
  for (const l of model.listeners) {
    const id = listenerId(l.name);
    // A repeated name is a validation problem; the canvas shows the first one only.
    if (ids.has(id)) continue;
    ids.add(id);
    index.set(l.name, l.index);
    nodes.push({ id, kind: kindOf(l.handler), name: l.name, position: pos(id), index: l.index, line: l.line, endLine: l.endLine, subtitle: subtitleOfListener(l) });
  }
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const back = backEdges(model);
  for (const t of model.triggers) {
    if (!index.has(t.target)) continue;
    const id = `${triggerId(t.name)}->${listenerId(t.target)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ id, source: triggerId(t.name), target: listenerId(t.target), kind: 'trigger', loop: false });
  }
  for (const l of model.listeners) {
    const labels = new Map<string, { kind: EdgeKind; label?: string }>();
    for (const f of l.fanout) if (!labels.has(f)) labels.set(f, { kind: 'fanout' });
    if (l.mapTo && !labels.has(l.mapTo)) labels.set(l.mapTo, { kind: 'each', label: 'each' });
    l.steps.forEach((s, i) => !labels.has(s) && labels.set(s, { kind: 'step', label: `step ${i + 1}` }));
    // Every case shows: cases sharing a target share its edge, their conditions joined.
    for (const c of l.cases) {
      const had = labels.get(c.to);
      if (!had) labels.set(c.to, { kind: 'case', label: c.when });
      else if (had.kind === 'case') had.label = `${had.label} | ${c.when}`;
    }
    if (l.elseTo) {
      const had = labels.get(l.elseTo);
      if (!had) labels.set(l.elseTo, { kind: 'else', label: 'else' });
      else if (had.kind === 'case') had.label = `${had.label} | else`;
    }
    for (const target of targetsOf(l)) {
      const ti = index.get(target);
      if (ti === undefined) continue;
      const id = `${listenerId(l.name)}->${listenerId(target)}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const lab = labels.get(target);
      edges.push({ id, source: listenerId(l.name), target: listenerId(target), kind: lab?.kind ?? 'peer', label: lab?.label, loop: back.has(`${l.name}->${target}`) });
    }
  }
  return { nodes, edges };
}

/** Which node a 1-based YAML line belongs to (for validation problems). */
export function nodeAtLine(graph: Graph, line: number): GraphNode | undefined {
  return graph.nodes.find((n) => line >= n.line && line <= n.endLine);
}

/**
 * Keeps the place of nodes renamed in the YAML: an entry at the same index of the same section
 * whose old name vanished and whose new name is new is the same node, so its position moves along.
 */
export function carryPositions(prev: FlowModel, next: FlowModel, canvas: CanvasState): CanvasState {
  let positions = canvas.positions;
  const sections: [{ name: string }[], { name: string }[], (n: string) => string][] = [
    [prev.triggers, next.triggers, triggerId],
    [prev.listeners, next.listeners, listenerId],
  ];
  for (const [a, b, id] of sections) {
    const before = new Set(a.map((x) => x.name));
    const after = new Set(b.map((x) => x.name));
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const from = a[i].name;
      const to = b[i].name;
      if (from === to || after.has(from) || before.has(to)) continue;
      const pos = positions[id(from)];
      if (!pos || positions[id(to)]) continue;
      const { [id(from)]: _, ...rest } = positions;
      positions = { ...rest, [id(to)]: pos };
    }
  }
  return positions === canvas.positions ? canvas : { ...canvas, positions };
}

/**
 * The edges that close a cycle ("a->b" by listener name): found by a depth-first walk from the
 * triggers' targets (then from listeners nothing reaches, in file order). An edge to a listener
 * still on the walk's path loops back; any other edge is forward, whatever the YAML order.
 */
export function backEdges(model: FlowModel): Set<string> {
  const byName = new Map(model.listeners.map((l) => [l.name, l]));
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<string>();
  const visit = (start: string) => {
    // Iterative, so a 500-node chain does not overflow the stack.
    const stack: { name: string; next: string[]; i: number }[] = [];
    const push = (name: string) => {
      state.set(name, 'open');
      stack.push({ name, next: targetsOf(byName.get(name)!).filter((t) => byName.has(t)), i: 0 });
    };
    push(start);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.i >= top.next.length) {
        state.set(top.name, 'done');
        stack.pop();
        continue;
      }
      const to = top.next[top.i++];
      const s = state.get(to);
      if (s === 'open') back.add(`${top.name}->${to}`);
      else if (s === undefined) push(to);
    }
  };
  for (const t of model.triggers) if (byName.has(t.target) && !state.has(t.target)) visit(t.target);
  for (const l of model.listeners) if (!state.has(l.name)) visit(l.name);
  return back;
}
