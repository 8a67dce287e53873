import {
  applyNodeChanges, Background, Controls, MarkerType, MiniMap, ReactFlow, useReactFlow,
  type Connection, type Edge, type Node, type NodeChange, type OnSelectionChangeParams, type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Graph, XY } from '../../flow/graph';
import { nodeTypes, type NodeData } from './nodes';

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

function toNodes(graph: Graph, problems: Map<string, string[]>, selected: Set<string>): Node[] {
  return graph.nodes.map((n) => ({
    id: n.id,
    type: n.kind,
    position: n.position,
    selected: selected.has(n.id),
    data: { name: n.name, subtitle: n.subtitle, kind: n.kind, problems: problems.get(n.id) ?? [] } satisfies NodeData,
  }));
}

function toEdges(graph: Graph): Edge[] {
  return graph.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    label: e.loop ? `↻${e.label ? ' ' + e.label : ''}` : e.label,
    type: e.loop ? 'smoothstep' : 'default',
    className: `edge-${e.kind}${e.loop ? ' edge-loop' : ''}`,
    animated: e.loop,
    markerEnd: { type: MarkerType.ArrowClosed },
  }));
}

export function Canvas(p: Props) {
  const selectedSet = useMemo(() => new Set(p.selected), [p.selected]);
  const [nodes, setNodes] = useState<Node[]>(() => toNodes(p.graph, p.problems, selectedSet));
  // The graph is derived from the YAML; local node state only carries drags in flight.
  useEffect(() => setNodes(toNodes(p.graph, p.problems, selectedSet)), [p.graph, p.problems, selectedSet]);
  const edges = useMemo(() => toEdges(p.graph), [p.graph]);
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
  }, []);
  const onSelectionChange = useCallback(({ nodes: sel }: OnSelectionChangeParams) => {
    const ids = sel.map((n) => n.id);
    if (ids.join('\n') !== cb.current.selected.join('\n')) cb.current.onSelect(ids);
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
        onSelectionChange={onSelectionChange}
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
        <MiniMap pannable zoomable />
        <Controls />
      </ReactFlow>
    </div>
  );
}
