import {
  applyNodeChanges, Background, Controls, MarkerType, MiniMap, ReactFlow, useReactFlow,
  type Connection, type Edge, type Node, type NodeChange, type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Graph, XY } from '../../flow/graph';
import { nodeTypes, type NodeData } from './nodes';
import { nextSelection } from './selection';

export const DRAG_TYPE = 'application/nextra-node';

interface Props {
  graph: Graph;
  problems: Map<string, string[]>;
  readOnly: boolean;
  selected: string[];
  onSelect: (ids: string[]) => void;
  onConnect: (source: string, target: string) => void;
  onDelete: (nodeIds: string[], edges: { source: string; target: string }[]) => void;
  onDrop: (kind: string, at: XY) => void;
  onMove: (positions: Record<string, XY>) => void;
  onViewport: (v: Viewport) => void;
  onZoom: (z: number) => void;
  initialViewport?: Viewport;
  /** Changing this (e.g. switching canvas/split) re-fits the view to the nodes. */
  fitKey?: string;
}

const none: string[] = [];

/** Minimap colours: the kind's accent (styles.css .k-*), red for a node with problems. */
const kindColor: Record<string, string> = {
  trigger: '#f59e0b', llm: '#818cf8', http: '#38bdf8', code: '#c084fc', branch: '#fb923c', output: '#4ade80',
  fanout: '#2dd4bf', join: '#14b8a6', map: '#fbbf24', sequence: '#818cf8',
};
const miniColor = (n: Node) => ((n.data as NodeData).problems.length ? '#f87171' : kindColor[n.type ?? ''] ?? '#94a3b8');

/**
 * Nodes for React Flow. Unchanged nodes keep their previous object (and measured size), so an
 * edit re-renders only what it touched: this keeps a 500-node flow responsive.
 */
function toNodes(graph: Graph, problems: Map<string, string[]>, selected: Set<string>, prev: Node[] = []): Node[] {
  const old = new Map(prev.map((n) => [n.id, n]));
  return graph.nodes.map((n) => {
    const p = old.get(n.id);
    const probs = problems.get(n.id) ?? none;
    const sel = selected.has(n.id);
    if (p) {
      const d = p.data as NodeData;
      if (p.type === n.kind && p.position.x === n.position.x && p.position.y === n.position.y && !!p.selected === sel &&
          d.name === n.name && d.subtitle === n.subtitle && (d.problems === probs || (d.problems.length === 0 && probs.length === 0))) {
        return p;
      }
    }
    return {
      ...(p ?? {}),
      id: n.id,
      type: n.kind,
      position: n.position,
      selected: sel,
      data: { name: n.name, subtitle: n.subtitle, kind: n.kind, problems: probs } satisfies NodeData,
    };
  });
}

function toEdges(graph: Graph, prev: Edge[] = []): Edge[] {
  const old = new Map(prev.map((e) => [e.id, e]));
  return graph.edges.map((e) => {
    const p = old.get(e.id);
    const label = e.loop ? `↻${e.label ? ' ' + e.label : ''}` : e.label;
    if (p && p.label === label && p.className === `edge-${e.kind}${e.loop ? ' edge-loop' : ''}`) return p;
    return edge(e);
  });
}

function edge(e: Graph['edges'][number]): Edge {
  return ({
    id: e.id,
    source: e.source,
    target: e.target,
    label: e.loop ? `↻${e.label ? ' ' + e.label : ''}` : e.label,
    type: e.loop ? 'smoothstep' : 'default',
    className: `edge-${e.kind}${e.loop ? ' edge-loop' : ''}`,
    animated: e.loop,
    markerEnd: { type: MarkerType.ArrowClosed },
  });
}

export function Canvas(p: Props) {
  const selectedSet = useMemo(() => new Set(p.selected), [p.selected]);
  const [nodes, setNodes] = useState<Node[]>(() => toNodes(p.graph, p.problems, selectedSet));
  // The graph is derived from the YAML; local node state only carries drags in flight.
  useEffect(() => setNodes((prev) => toNodes(p.graph, p.problems, selectedSet, prev)), [p.graph, p.problems, selectedSet]);
  const prevEdges = useRef<Edge[]>([]);
  const edges = useMemo(() => (prevEdges.current = toEdges(p.graph, prevEdges.current)), [p.graph]);
  const rf = useReactFlow();
  // React Flow copies handler props into its store whenever they change; stable handlers that
  // read the latest props through a ref avoid store churn (and update loops) on every render.
  const cb = useRef(p);
  cb.current = p;
  const [initialViewport] = useState(p.initialViewport);
  // Fit once for a flow that opens with nodes; an empty canvas must not jump when the first node lands.
  const [fitOnOpen] = useState(!p.initialViewport && p.graph.nodes.length > 0);
  const firstFit = useRef(true);
  // useReactFlow()'s object changes identity as the instance initialises; only the view switch should re-fit.
  const rfRef = useRef(rf);
  rfRef.current = rf;
  useEffect(() => {
    if (firstFit.current) {
      firstFit.current = false;
      return;
    }
    const t = setTimeout(() => void rfRef.current.fitView({ maxZoom: 1, duration: 0 }), 50);
    return () => clearTimeout(t);
  }, [p.fitKey]);

  const onNodesChange = useCallback((changes: NodeChange[]) => {
    setNodes((ns) => applyNodeChanges(changes.filter((c) => c.type !== 'remove'), ns));
    // Selection flows one way: only a person's select/deselect (a 'select' change) reaches the
    // editor. React Flow's onSelectionChange also fires when the nodes prop is re-adopted (a
    // remount after a view switch); feeding that back flipped the selection on every commit, an
    // endless update loop (React error #185) that lost unsaved work.
    const picks = changes.filter((c) => c.type === 'select');
    if (picks.length === 0) return;
    const next = nextSelection(cb.current.selected, picks);
    if (next.join('\n') !== cb.current.selected.join('\n')) cb.current.onSelect(next);
  }, []);
  const onDragOver = useCallback((e: React.DragEvent) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback((e: React.DragEvent) => {
    e.preventDefault();
    const kind = e.dataTransfer.getData(DRAG_TYPE) || e.dataTransfer.getData('text/plain');
    if (!kind || cb.current.readOnly) return;
    cb.current.onDrop(kind, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  }, [rf]);
  const onConnect = useCallback((c: Connection) => {
    if (!cb.current.readOnly && c.source && c.target) cb.current.onConnect(c.source, c.target);
  }, []);
  const onDelete = useCallback(({ nodes: dn, edges: de }: { nodes: Node[]; edges: Edge[] }) => {
    if (!cb.current.readOnly) cb.current.onDelete(dn.map((n) => n.id), de.map((e) => ({ source: e.source, target: e.target })));
  }, []);
  const onNodeDragStop = useCallback((_: unknown, _n: Node, dragged: Node[]) => {
    cb.current.onMove(Object.fromEntries(dragged.map((n) => [n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) }])));
  }, []);
  const onMoveEnd = useCallback((_: unknown, v: Viewport) => cb.current.onViewport(v), []);
  const onMove = useCallback((_: unknown, v: Viewport) => cb.current.onZoom(v.zoom), []);

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onConnect={onConnect}
        onDelete={onDelete}
        onNodeDragStop={onNodeDragStop}
        onMoveEnd={onMoveEnd}
        onMove={onMove}
        defaultViewport={initialViewport}
        fitView={fitOnOpen}
        fitViewOptions={{ maxZoom: 1 }}
        nodesDraggable={!p.readOnly}
        nodesConnectable={!p.readOnly}
        elementsSelectable
        deleteKeyCode={p.readOnly ? null : ['Delete', 'Backspace']}
        onlyRenderVisibleElements={p.graph.nodes.length > 150}
        minZoom={0.1}
      >
        <Background />
        <MiniMap pannable zoomable nodeColor={miniColor} nodeBorderRadius={4} />
        <Controls orientation="horizontal" />
      </ReactFlow>
    </div>
  );
}
