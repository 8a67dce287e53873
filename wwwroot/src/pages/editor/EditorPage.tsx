import { ReactFlowProvider, type Viewport } from '@xyflow/react';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorMessage, isQuota } from '../../api/client';
import type { Flow } from '../../api/types';
import { canEdit, useAuth } from '../../components/auth';
import { BackIcon, PlayIcon, RedoIcon, StopIcon, UndoIcon } from '../../components/icons';
import { ErrorBanner, QuotaBanner } from '../../components/Layout';
import { addNode, connect, copyNodes, disconnect, ensureLlmSection, pasteNodes, removeNodes, setField, setPath } from '../../flow/edits';
import { carryPositions, nodeAtLine, type XY } from '../../flow/graph';
import { parseFlow } from '../../flow/model';
import { formatModuleRef, listenerNameForModule, moduleFromDrag } from '../modules/moduleRef';
import { Canvas } from './Canvas';
import type { DocState } from './history';
import { InjectDialog } from './InjectDialog';
import { Inspector } from './Inspector';
import { keyCommand } from './keys';
import { LogsPanel, useFlowLogs } from './LogsPanel';
import { Palette } from './Palette';
import { PayloadsEditor } from './PayloadsEditor';
import { ProblemsList } from './ProblemsList';
import { normalizeCanvas, useFlowDoc } from './useFlowDoc';
import { useFlowStatus } from './useFlowStatus';
import { useValidation } from './useValidation';
import { VersionsPanel } from './VersionsPanel';

const YamlEditor = lazy(() => import('./YamlEditor'));
const CodeEditor = lazy(() => import('./CodeEditor'));
type CodeKind = 'source' | 'wat';

export type View = 'canvas' | 'yaml' | 'split';
type SaveState = 'saved' | 'unsaved' | 'saving' | 'error';

export default function EditorPage() {
  const { id = '', '*': rest = '' } = useParams();
  const view: View = rest === 'yaml' ? 'yaml' : rest === 'split' ? 'split' : 'canvas';
  const [flow, setFlow] = useState<Flow | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setFlow(null);
    api.flow(id).then(setFlow, (e) => setError(errorMessage(e)));
  }, [id]);
  if (error) return <div className="page"><ErrorBanner error={error} /></div>;
  if (!flow) return <div className="center muted">Loading flow…</div>;
  return (
    <ReactFlowProvider>
      <Editor key={flow.id} flow={flow} view={view} />
    </ReactFlowProvider>
  );
}

function Editor({ flow, view }: { flow: Flow; view: View }) {
  const { me } = useAuth();
  const nav = useNavigate();
  const doc = useFlowDoc({ text: flow.organismYaml, canvas: normalizeCanvas(flow.canvasState) });
  const [saved, setSaved] = useState<DocState>({ text: flow.organismYaml, canvas: doc.canvas });
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [error, setError] = useState<string | null>(null);
  const [quota, setQuota] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [version, setVersion] = useState(flow.version);
  const [drawer, setDrawer] = useState<'versions' | null>(null);
  const [logsOpen, setLogsOpen] = useState(false);
  const logs = useFlowLogs(flow.id, logsOpen);
  const { status, setStatus, statusError } = useFlowStatus(flow, logs.onLive);
  const [zoom, setZoom] = useState(1);
  const [reveal, setReveal] = useState<{ line: number; seq: number } | null>(null);
  const [dialog, setDialog] = useState<'run' | 'payloads' | { code: string } | null>(null);
  const clipboard = useRef<ReturnType<typeof copyNodes>>([]);
  // Pan/zoom is saved with the flow but is not an edit: it stays out of undo history and dirtiness.
  const viewport = useRef<Viewport | undefined>(doc.canvas.viewport);
  const readOnly = !canEdit(me);
  const canvasLocked = readOnly || doc.yamlError !== null;
  // A deferred YAML edit (typing, not yet parsed) counts as unsaved too.
  const dirty = doc.deferred || doc.text !== saved.text || doc.canvas !== saved.canvas;
  const problems = useValidation(doc.text, !doc.yamlError);

  const problemsByNode = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const p of problems) {
      const n = nodeAtLine(doc.graph, p.line);
      if (n) m.set(n.id, [...(m.get(n.id) ?? []), p.message]);
    }
    return m;
  }, [problems, doc.graph]);

  useEffect(() => setSaveState((s) => (dirty ? (s === 'saving' ? s : 'unsaved') : 'saved')), [dirty]);
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => dirty && e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  /** Runs a text edit as one undo step; failures show instead of throwing. */
  const edit = useCallback((f: (s: DocState) => DocState, tag?: string) => {
    try {
      doc.change(f, tag);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [doc]);

  const save = useCallback(async () => {
    if (readOnly) return;
    // Typing not yet parsed is applied first: Save always stores what the YAML editor shows.
    const snapshot = doc.flush();
    setSaveState('saving');
    try {
      const canvasState = viewport.current ? { ...snapshot.canvas, viewport: viewport.current } : snapshot.canvas;
      const f = await api.saveFlow(flow.id, { name: flow.name, description: flow.description, organismYaml: snapshot.text, canvasState });
      setSaved(snapshot);
      setStatus(f.status);
      setVersion(f.version);
      setSaveState('saved');
      setError(null);
      setQuota(null);
    } catch (e) {
      setSaveState('error');
      if (isQuota(e)) setQuota(errorMessage(e));
      else setError(errorMessage(e));
    }
  }, [doc, flow, readOnly]);

  /** Restores version n; false when the person kept their unsaved changes instead. */
  const restore = useCallback(async (n: number): Promise<boolean> => {
    if (dirty && !confirm(`You have unsaved changes. Restoring version ${n} replaces them. Continue?`)) return false;
    const f = await api.restoreVersion(flow.id, n);
    const next = { text: f.organismYaml, canvas: normalizeCanvas(f.canvasState) };
    // One undo step (undo brings back what the editor held), then saved: the server stored it.
    doc.change(() => next);
    setSaved(next);
    setVersion(f.version);
    setStatus(f.status);
    setSelected([]);
    return true;
  }, [dirty, doc, flow.id]);

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
    edit((s) => {
      const r = mod
        ? addNode(s.text, 'code', { name: listenerNameForModule(mod.name), description: `Runs module ${formatModuleRef(mod.name, mod.version)}`, config: { module: formatModuleRef(mod.name, mod.version) } })
        : addNode(s.text, kind as never);
      setSelected([r.id]);
      const text = kind === 'llm' ? ensureLlmSection(r.text) : r.text;
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

  const lastModel = useRef(doc.model);
  lastModel.current = doc.model;
  // Typing is deferred: the text is parsed into the canvas once typing pauses (or when anything
  // needs the document), so a 500-node flow does not re-parse on every keystroke. A paste or
  // other bulk edit is applied at once.
  const onYaml = useCallback((v: string, bulk: boolean) => {
    const f = (s: DocState) => {
      const next = parseFlow(v).model;
      // The model of the text this edit replaces (cached), else the last valid one.
      const prev = parseFlow(s.text).model ?? lastModel.current;
      return { text: v, canvas: next ? carryPositions(prev, next, s.canvas) : s.canvas };
    };
    if (bulk) doc.change(f, 'yaml');
    else doc.defer(f, 'yaml');
  }, [doc]);

  const codeOf = (name: string): { kind: CodeKind; text: string } | null => {
    const cfg = doc.model.listeners.find((l) => l.name === name)?.config;
    if (typeof cfg?.source === 'string') return { kind: 'source', text: cfg.source };
    if (typeof cfg?.wat === 'string') return { kind: 'wat', text: cfg.wat };
    return null;
  };
  // Inline code replaces the other ways of naming the module (the pump wants exactly one).
  const applyCode = (name: string, kind: CodeKind, text: string) => edit((s) => {
    const id = `l:${name}`;
    let t = setField(s.text, id, ['config', kind], text.endsWith('\n') ? text : text + '\n');
    for (const other of ['module', kind === 'source' ? 'wat' : 'source']) t = setField(t, id, ['config', other], undefined);
    return { ...s, text: t };
  });

  const run = useCallback(async (b: { payload: Record<string, unknown>; target?: string; payloadClass?: string }) => {
    if (dirty) await save();
    if (status !== 'running') {
      const s = await api.start(flow.id);
      setStatus(s.status);
      if (s.error) throw new Error(s.error);
    }
    const r = await api.inject(flow.id, b);
    nav(`/runs/${r.runId}`);
  }, [dirty, save, status, flow.id, nav]);

  const stop = useCallback(async () => {
    try {
      setStatus((await api.stop(flow.id)).status);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [flow.id]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t?.closest?.('.monaco-editor')) return; // Monaco has its own bindings wired to ours.
      const inText = !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
      const cmd = keyCommand(e, inText);
      if (!cmd) return;
      if (cmd === 'save') void save();
      else if (cmd === 'undo') doc.undo();
      else if (cmd === 'redo') doc.redo();
      else if (cmd === 'copy') {
        if (!selected.length) return;
        clipboard.current = copyNodes(doc.text, selected);
      } else if (cmd === 'paste') {
        if (!clipboard.current.length || canvasLocked) return;
        edit((s) => {
          const r = pasteNodes(s.text, clipboard.current);
          const positions = { ...s.canvas.positions };
          r.ids.forEach((nid, i) => {
            const orig = s.canvas.positions[clipboard.current[i].section === 'triggers' ? `t:${clipboard.current[i].entry.name}` : `l:${clipboard.current[i].entry.name}`];
            if (orig) positions[nid] = { x: orig.x + 40, y: orig.y + 40 };
          });
          setSelected(r.ids);
          return { text: r.text, canvas: { ...s.canvas, positions } };
        });
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save, doc, selected, edit, canvasLocked]);

  // Read-only hook for the browser tests (the canvas renders only visible nodes of big flows).
  useEffect(() => {
    (window as unknown as { __nextraGraph?: unknown }).__nextraGraph = doc.graph;
  }, [doc.graph]);

  const flushYaml = useCallback(() => void doc.flush(), [doc]);
  const go = (v: View) => {
    doc.flush();
    nav(v === 'canvas' ? `/flow/${flow.id}` : `/flow/${flow.id}/${v}`);
  };

  const jump = (line: number) => {
    if (view === 'canvas') nav(`/flow/${flow.id}/split`);
    setReveal({ line, seq: Date.now() });
    const n = nodeAtLine(doc.graph, line);
    if (n) setSelected([n.id]);
  };

  const showCanvas = view !== 'yaml';
  const showYaml = view !== 'canvas';
  return (
    <div className="editor">
      <div className="toolbar" data-testid="toolbar">
        <Link to="/dashboard" className="muted back-link"><BackIcon size={14} /> Flows</Link>
        <strong className="flow-name">{flow.name}</strong>
        <button onClick={save} disabled={readOnly || (!dirty && saveState === 'saved')} className="primary" data-testid="save">Save</button>
        <button onClick={() => { doc.flush(); setDialog('run'); }} disabled={readOnly || !!doc.yamlError} data-testid="run"><PlayIcon size={12} /> Run</button>
        <button onClick={stop} disabled={readOnly || status === 'stopped'} data-testid="stop"><StopIcon size={12} /> Stop</button>
        <span className="sep" />
        <button className={view === 'yaml' ? 'on' : ''} onClick={() => go('yaml')} data-testid="view-yaml">YAML</button>
        <button className={view === 'canvas' ? 'on' : ''} onClick={() => go('canvas')} data-testid="view-canvas">Canvas</button>
        <button className={view === 'split' ? 'on' : ''} onClick={() => go('split')} data-testid="view-split">Split</button>
        <span className="sep" />
        <button onClick={doc.undo} disabled={!doc.canUndo} title="Undo (Ctrl+Z)" aria-label="Undo"><UndoIcon size={15} /></button>
        <button onClick={doc.redo} disabled={!doc.canRedo} title="Redo (Ctrl+Shift+Z)" aria-label="Redo"><RedoIcon size={15} /></button>
        <button onClick={() => setDialog('payloads')} data-testid="payloads">Payloads</button>
        <button className={drawer === 'versions' ? 'on' : ''} onClick={() => setDrawer(drawer === 'versions' ? null : 'versions')} data-testid="versions">Versions</button>
        <button className={logsOpen ? 'on' : ''} onClick={() => setLogsOpen(!logsOpen)} data-testid="logs">Logs</button>
        <span className="spacer" />
        <span className={`status status-${status}`} data-testid="flow-status" title={statusError ?? undefined}>{status}</span>
        {status === 'error' && statusError && <span className="status-reason" data-testid="flow-error" title={statusError}>{statusError}</span>}
        <Link to={`/flow/${flow.id}/runs`}>Runs</Link>
      </div>
      <QuotaBanner message={quota} onClose={() => setQuota(null)} />
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <div className="narrow-note">Editing needs a wider screen. <Link to={`/flow/${flow.id}/runs`}>See this flow's runs</Link>.</div>
      <div className={`editor-body view-${view}`}>
        {showCanvas && <Palette disabled={canvasLocked} onAdd={(k) => onDrop(k, { x: 40 + Math.random() * 200, y: 40 + Math.random() * 200 })} />}
        {showCanvas && (
          <div className="canvas-wrap">
            {doc.yamlError && <div className="canvas-lock">YAML error at line {doc.yamlError.line}: the canvas shows the last valid version.</div>}
            <Canvas
              graph={doc.graph}
              problems={problemsByNode}
              readOnly={canvasLocked}
              selected={selected}
              onSelect={setSelected}
              onConnect={(a, b) => edit((s) => ({ ...s, text: connect(s.text, a, b) }))}
              onDelete={onDelete}
              onDrop={onDrop}
              onMove={(pos) => edit((s) => ({ ...s, canvas: { ...s.canvas, positions: { ...s.canvas.positions, ...pos } } }), 'move')}
              onViewport={(v: Viewport) => { viewport.current = v; }}
              onZoom={setZoom}
              initialViewport={doc.canvas.viewport}
              fitKey={view}
            />
          </div>
        )}
        {showYaml && (
          <div className="yaml-wrap">
            <Suspense fallback={<div className="center muted">Loading editor…</div>}>
              <YamlEditor
                value={doc.text}
                onChange={onYaml}
                yamlError={doc.yamlError}
                problems={problems}
                readOnly={readOnly}
                reveal={reveal}
                onUndo={doc.undo}
                onRedo={doc.redo}
                onSave={() => void save()}
                onBlur={flushYaml}
              />
            </Suspense>
          </div>
        )}
        {showCanvas && (
          <Inspector model={doc.model} selectedId={selected.length === 1 ? selected[0] : null} readOnly={canvasLocked} set={setNodeField} onOpenCode={(n) => setDialog({ code: n })} />
        )}
        {drawer === 'versions' && (
          <VersionsPanel flowId={flow.id} current={version} currentText={doc.text} readOnly={readOnly} onRestore={restore} onClose={() => setDrawer(null)} />
        )}
      </div>
      {logsOpen && <LogsPanel lines={logs.lines} cleared={logs.cleared} error={logs.error} onClear={logs.clear} onClose={() => setLogsOpen(false)} />}
      <ProblemsList problems={problems} yamlError={doc.yamlError} onJump={jump} />
      <footer className="footer" data-testid="footer">
        <span>Zoom: {Math.round(zoom * 100)}%</span>
        <span data-testid="node-count">Nodes: {doc.graph.nodes.length}</span>
        <span data-testid="save-status" className={`save-${saveState}`}>Status: {saveState === 'saved' ? 'Saved' : saveState === 'saving' ? 'Saving…' : saveState === 'error' ? 'Save failed' : 'Unsaved'}</span>
        <span>{doc.yamlError ? `YAML error line ${doc.yamlError.line}` : problems.length ? `${problems.length} problem(s)` : 'Valid'}</span>
      </footer>
      {dialog === 'run' && <InjectDialog model={doc.model} onRun={run} onClose={() => setDialog(null)} />}
      {dialog === 'payloads' && (
        <PayloadsEditor model={doc.model} readOnly={canvasLocked} setPath={(p, v) => edit((s) => ({ ...s, text: setPath(s.text, p, v) }))} onClose={() => setDialog(null)} />
      )}
      {dialog && typeof dialog === 'object' && (
        <Suspense fallback={null}>
          <CodeEditor listener={dialog.code} initial={codeOf(dialog.code)} readOnly={canvasLocked} onApply={(k, t) => applyCode(dialog.code, k, t)} onClose={() => setDialog(null)} />
        </Suspense>
      )}
    </div>
  );
}
