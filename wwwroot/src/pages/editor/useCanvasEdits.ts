import { useCallback, useRef } from 'react';
import { addNode, disconnect, ensureLlmSection, ensureResultClass, removeNodes, setField } from '../../flow/edits';
import type { Graph, XY } from '../../flow/graph';
import type { FlowModel } from '../../flow/model';
import { formatModuleRef, listenerNameForModule, moduleFromDrag } from '../modules/moduleRef';
import type { DocState } from './history';

/**
 * The canvas's and the Inspector's edits of the document: a field of the selected node (a rename
 * carries its position and selection), a node dropped from the palette, nodes and edges deleted.
 */
export function useCanvasEdits(edit: (f: (s: DocState) => DocState) => void, selected: string[], setSelected: (ids: string[]) => void,
  at?: { graph: Graph; model: FlowModel; onError: (message: string) => void }) {
  const where = useRef(at);
  where.current = at;
  const setNodeField = useCallback((path: (string | number)[], value: unknown) => {
    const id = selected[0];
    if (!id) return;
    edit((s) => {
      const text = setField(s.text, id, path, value);
      if (path.length === 1 && path[0] === 'name' && typeof value === 'string' && value) {
        const newId = id.slice(0, 2) + value;
        const { [id]: pos, ...others } = s.canvas.positions;
        setSelected([newId]);
        return { text, canvas: pos ? { ...s.canvas, positions: { ...others, [newId]: pos } } : s.canvas };
      }
      return { ...s, text };
    });
  }, [selected, edit]);

  const onDrop = useCallback((kind: string, at: XY) => {
    const mod = moduleFromDrag(kind);
    // A trigger is created valid: it starts the listener it is dropped next to (never a save-time error).
    let trigger: { target: string; payloadClass: string } | null = null;
    if (kind === 'trigger' && where.current) {
      const target = nearestListener(where.current.graph, at);
      const l = target ? where.current.model.listeners.find((x) => x.name === target) : undefined;
      if (!l) {
        where.current.onError('A trigger starts a listener: add a listener first, then drop the trigger next to it (or draw an edge from the trigger to it).');
        return;
      }
      trigger = { target: l.name, payloadClass: l.payloadClass };
    }
    edit((s) => {
      const r = trigger
        ? addNode(s.text, 'trigger', { target: trigger.target, payloadClass: trigger.payloadClass })
        : mod
        ? addNode(s.text, 'code', { name: listenerNameForModule(mod.name), description: `Runs module ${formatModuleRef(mod.name, mod.version)}`, config: { module: formatModuleRef(mod.name, mod.version) } })
        : addNode(s.text, kind as never);
      setSelected([r.id]);
      // An LLM node needs a backend; a join or map node its result class.
      const text = kind === 'llm' ? ensureLlmSection(r.text) : kind === 'join' || kind === 'map' ? ensureResultClass(r.text) : r.text;
      return { text, canvas: { ...s.canvas, positions: { ...s.canvas.positions, [r.id]: at } } };
    });
  }, [edit]);

  const onDelete = useCallback((nodeIds: string[], edges: { source: string; target: string }[]) => {
    edit((s) => {
      let text = s.text;
      for (const e of edges) if (!nodeIds.includes(e.source) && !nodeIds.includes(e.target)) text = disconnect(text, e.source, e.target);
      text = removeNodes(text, nodeIds);
      return { ...s, text };
    });
    setSelected([]);
  }, [edit]);

  return { setNodeField, onDrop, onDelete };
}

/** The listener whose node is closest to a point on the canvas, or null when there is none. */
export function nearestListener(graph: Graph, at: XY): string | null {
  let best: { name: string; d: number } | null = null;
  for (const n of graph.nodes) {
    if (!n.id.startsWith('l:')) continue;
    const d = (n.position.x - at.x) ** 2 + (n.position.y - at.y) ** 2;
    if (!best || d < best.d) best = { name: n.name, d };
  }
  return best?.name ?? null;
}
