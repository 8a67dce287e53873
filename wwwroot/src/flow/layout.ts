// The canvas draws the graph, not the file order: a layered layout (dagre) of triggers and
// listeners along their edges, and the edges that really close a cycle.
import dagre from '@dagrejs/dagre';
import type { FlowModel } from './model';
import { backEdges, listenerId, targetsOf, triggerId, type XY } from './graph';

const NODE_W = 200;
const NODE_H = 64;

/** Every node's position from a left-to-right layered layout of the flow's edges (back-edges do not pull nodes back). */
export function layoutFlow(model: FlowModel): Record<string, XY> {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const names = new Set(model.listeners.map((l) => l.name));
  for (const t of model.triggers) g.setNode(triggerId(t.name), { width: NODE_W, height: NODE_H });
  for (const l of model.listeners) g.setNode(listenerId(l.name), { width: NODE_W, height: NODE_H });
  const back = backEdges(model);
  for (const t of model.triggers) if (names.has(t.target)) g.setEdge(triggerId(t.name), listenerId(t.target));
  for (const l of model.listeners) {
    for (const to of targetsOf(l)) {
      if (!names.has(to) || back.has(`${l.name}->${to}`)) continue;
      g.setEdge(listenerId(l.name), listenerId(to));
    }
  }
  dagre.layout(g);
  const out: Record<string, XY> = {};
  for (const id of g.nodes()) {
    const n = g.node(id);
    // dagre gives centres; React Flow places nodes by their top-left corner.
    if (n) out[id] = { x: Math.round(n.x - NODE_W / 2), y: Math.round(n.y - NODE_H / 2) };
  }
  return out;
}
