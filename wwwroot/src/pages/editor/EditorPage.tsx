import { ReactFlowProvider, type Viewport } from '@xyflow/react';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router';
import { api, errorMessage, isQuota } from '../../api/client';
import type { Flow } from '../../api/types';
import { canEdit, useAuth } from '../../components/auth';
import { ErrorBanner, QuotaBanner } from '../../components/Layout';
import { connect, setField, setFirstBackend, setPath } from '../../flow/edits';
import { carryPositions, nodeAtLine } from '../../flow/graph';
import { parseFlow } from '../../flow/model';
import { layoutFlow } from '../../flow/layout';
import { Canvas } from './Canvas';
import { EditorFooter, EditorToolbar, type SaveState, type View } from './EditorToolbar';
import type { DocState } from './history';
import { clearDraft, draftToOffer, editorFlowOf, saveDraft, type Draft } from './drafts';
import { EditorBoundary } from './EditorBoundary';
import { InjectDialog } from './InjectDialog';
import { Inspector } from './Inspector';
import { LogsPanel, useFlowLogs } from './LogsPanel';
import { Palette } from './Palette';
import { PayloadsEditor } from './PayloadsEditor';
import { ProblemsList } from './ProblemsList';
import { useCanvasEdits } from './useCanvasEdits';
import { useEditorKeys } from './useEditorKeys';
import { normalizeCanvas, useFlowDoc } from './useFlowDoc';
import { useFlowStatus } from './useFlowStatus';
import { useValidation } from './useValidation';
import { SplitHandle } from './SplitHandle';
import { loadSplit, saveSplit, splitColumns } from './splitPane';
import { VersionsPanel } from './VersionsPanel';
import { PublishDialog } from '../marketplace/PublishDialog';
import { TemplateSetupBanner } from '../marketplace/TemplateSetup';

const YamlEditor = lazy(() => import('./YamlEditor'));
const CodeEditor = lazy(() => import('./CodeEditor'));
type CodeKind = 'source' | 'wat';


export default function EditorPage() {
  const { id = '', '*': rest = '' } = useParams();
  const view: View = rest === 'yaml' ? 'yaml' : rest === 'split' ? 'split' : 'canvas';
  const [flow, setFlow] = useState<Flow | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [load, setLoad] = useState(0);
  // The editor's latest unsaved document, for the crash boundary (which cannot read the editor's state).
  const latest = useRef<Draft | null>(null);
  useEffect(() => {
    setFlow(null);
    api.flow(id).then(setFlow, (e) => setError(errorMessage(e)));
  }, [id, load]);
  if (error) return <div className="page"><ErrorBanner error={error} /></div>;
  if (!flow) return <div className="center muted">Loading flow…</div>;
  return (
    <EditorBoundary flowId={flow.id} latest={latest} onRetry={() => setLoad((n) => n + 1)}>
      <ReactFlowProvider>
        <Editor key={flow.id} flow={flow} view={view} latest={latest} />
      </ReactFlowProvider>
    </EditorBoundary>
  );
}

function Editor({ flow, view, latest }: { flow: Flow; view: View; latest: { current: Draft | null } }) {
  const { me } = useAuth();
  const nav = useNavigate();
  const doc = useFlowDoc({ text: flow.organismYaml, canvas: openingCanvas(flow) });
  const [layoutSeq, setLayoutSeq] = useState(0);
  const [publishOpen, setPublishOpen] = useState(false);
  const [saved, setSaved] = useState<DocState>({ text: flow.organismYaml, canvas: doc.canvas });
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [split, setSplit] = useState(loadSplit);
  const [error, setError] = useState<string | null>(null);
  const [quota, setQuota] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [version, setVersion] = useState(flow.version);
  const [drawer, setDrawer] = useState<'versions' | null>(null);
  const [logsOpen, setLogsOpen] = useState(false);
  const logs = useFlowLogs(flow.id, logsOpen);
  const { status, setStatus, statusError, reason } = useFlowStatus(flow, logs.onLive);
  const [zoom, setZoom] = useState(1);
  const [reveal, setReveal] = useState<{ line: number; seq: number } | null>(null);
  const [dialog, setDialog] = useState<'run' | 'payloads' | { code: string } | { test: string } | null>(null);
  // Pan/zoom is saved with the flow but is not an edit: it stays out of undo history and dirtiness.
  const viewport = useRef<Viewport | undefined>(doc.canvas.viewport);
  const readOnly = !canEdit(me);
  const canvasLocked = readOnly || doc.yamlError !== null;
  // A deferred YAML edit (typing, not yet parsed) counts as unsaved too.
  const dirty = doc.deferred || doc.text !== saved.text || doc.canvas !== saved.canvas;
  const { problems, warnings } = useValidation(doc.text, !doc.yamlError);
  latest.current = dirty ? { text: doc.text, canvas: doc.canvas, version, at: 0 } : null;
  const [crash, setCrash] = useState(false);
  if (crash) throw new Error('a crash asked for by window.__nextraCrash');
  useEffect(() => {
    (window as unknown as { __nextraCrash?: () => void }).__nextraCrash = () => setCrash(true);
  }, []);

  // Unsaved work is kept as a draft in the browser and offered back on the next open.
  const [offer, setOffer] = useState(() => draftToOffer(flow.id, flow.organismYaml));
  useEffect(() => {
    if (!dirty) {
      if (!offer) clearDraft(flow.id);
      return;
    }
    const t = setTimeout(() => {
      saveDraft(flow.id, { text: doc.text, canvas: doc.canvas, version, at: Date.now() });
      setOffer(null);
    }, 250);
    return () => clearTimeout(t);
  }, [dirty, doc.text, doc.canvas, version, offer, flow.id]);
  const restoreDraft = () => {
    if (!offer) return;
    doc.change(() => ({ text: offer.text, canvas: normalizeCanvas(offer.canvas) }));
    setOffer(null);
  };
  const discardDraft = () => {
    clearDraft(flow.id);
    setOffer(null);
  };

  // In-app navigation away from unsaved edits asks first (a view switch inside this flow does not).
  const leaving = useRef(false);
  const blocker = useBlocker(useCallback(({ nextLocation }: { nextLocation: { pathname: string } }) =>
    dirty && !leaving.current && editorFlowOf(nextLocation.pathname) !== flow.id, [dirty, flow.id]));
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    if (confirm('This flow has unsaved changes. Leave without saving? They stay as a draft that the editor offers back when you open the flow again.')) blocker.proceed();
    else blocker.reset();
  }, [blocker]);

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

  const { setNodeField, onDrop, onDelete } = useCanvasEdits(edit, selected, setSelected, { graph: doc.graph, model: doc.model, onError: setError });

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
    leaving.current = true;
    nav(`/runs/${r.runId}`);
  }, [dirty, save, status, flow.id, nav]);

  const stop = useCallback(async () => {
    try {
      setStatus((await api.stop(flow.id)).status);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [flow.id]);

  useEditorKeys({ doc, selected, setSelected, edit, save, canvasLocked });

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
      <EditorToolbar
        flowId={flow.id}
        flowName={flow.name}
        view={view}
        readOnly={readOnly}
        canSave={dirty || saveState !== 'saved'}
        canRun={!doc.yamlError}
        status={status}
        statusError={statusError}
        statusReason={reason}
        canUndo={doc.canUndo}
        canRedo={doc.canRedo}
        versionsOpen={drawer === 'versions'}
        logsOpen={logsOpen}
        onSave={() => void save()}
        onRun={() => { doc.flush(); setDialog('run'); }}
        onStop={() => void stop()}
        onView={go}
        onUndo={doc.undo}
        onRedo={doc.redo}
        onPayloads={() => setDialog('payloads')}
        onVersions={() => setDrawer(drawer === 'versions' ? null : 'versions')}
        onLogs={() => setLogsOpen(!logsOpen)}
        onPublish={() => setPublishOpen(true)}
      />
      <QuotaBanner message={quota} onClose={() => setQuota(null)} />
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <TemplateSetupBanner flowId={flow.id} />
      {offer && (
        <div className="draft-banner" role="status" data-testid="draft-banner">
          <span>
            Unsaved changes from {offer.at ? new Date(offer.at).toLocaleString() : 'an earlier visit'} were kept in this browser
            {offer.version && offer.version !== version ? ` (made on version ${offer.version}; the flow is now at version ${version})` : ''}.
          </span>
          <button className="primary" onClick={restoreDraft} data-testid="draft-restore">Restore them</button>
          <button onClick={discardDraft} data-testid="draft-discard">Discard</button>
        </div>
      )}
      <div className="narrow-note">Editing needs a wider screen. <Link to={`/flow/${flow.id}/runs`}>See this flow's runs</Link>.</div>
      <div className={`editor-body view-${view}`} style={view === 'split' ? { gridTemplateColumns: splitColumns(split) } : undefined}>
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
              fitKey={`${view}:${layoutSeq}`}
              onAutoLayout={() => { edit((s) => ({ ...s, canvas: { ...s.canvas, positions: layoutFlow(doc.model) } })); setLayoutSeq((n) => n + 1); }}
            />
          </div>
        )}
        {showYaml && (
          <div className="yaml-wrap">
            {view === 'split' && <SplitHandle onChange={setSplit} onCommit={(v) => { setSplit(v); saveSplit(v); }} />}
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
          <Inspector model={doc.model} selectedId={selected.length === 1 ? selected[0] : null} readOnly={canvasLocked} set={setNodeField} onOpenCode={(n) => setDialog({ code: n })}
            onTestNode={(n) => { doc.flush(); setDialog({ test: n }); }}
            setBackend={(entry) => edit((s) => ({ ...s, text: setFirstBackend(s.text, entry) }))} flow={{ id: flow.id, status, version, readOnly }} />
        )}
        {drawer === 'versions' && (
          <VersionsPanel flowId={flow.id} current={version} currentText={doc.text} readOnly={readOnly} onRestore={restore} onClose={() => setDrawer(null)} />
        )}
      </div>
      {logsOpen && <LogsPanel lines={logs.lines} cleared={logs.cleared} error={logs.error} onClear={logs.clear} onClose={() => setLogsOpen(false)} />}
      <ProblemsList problems={problems} warnings={warnings} yamlError={doc.yamlError} onJump={jump} />
      <EditorFooter zoom={zoom} nodes={doc.graph.nodes.length} saveState={saveState} yamlErrorLine={doc.yamlError?.line ?? null} problems={problems.length} />
      {(dialog === 'run' || (dialog && typeof dialog === 'object' && 'test' in dialog)) && (
        <InjectDialog model={doc.model} node={typeof dialog === 'object' && 'test' in dialog ? dialog.test : undefined} samples={doc.canvas.samples}
          onPin={readOnly ? undefined : (k, v) => edit((s) => ({ ...s, canvas: { ...s.canvas, samples: { ...s.canvas.samples, [k]: v } } }))}
          onRun={run} onClose={() => setDialog(null)} />
      )}
      {publishOpen && <PublishDialog kind="flow" sourceId={flow.id} sourceName={flow.name} yaml={saved.text}
        notice={dirty ? 'This flow has unsaved changes: the saved version is what gets published. Save first to publish them.' : undefined} onClose={() => setPublishOpen(false)} />}
      {dialog === 'payloads' && (
        <PayloadsEditor model={doc.model} readOnly={canvasLocked} setPath={(p, v) => edit((s) => ({ ...s, text: setPath(s.text, p, v) }))} onClose={() => setDialog(null)} />
      )}
      {dialog && typeof dialog === 'object' && 'code' in dialog && (
        <Suspense fallback={null}>
          <CodeEditor listener={dialog.code} initial={codeOf(dialog.code)} readOnly={canvasLocked} onApply={(k, t) => applyCode(dialog.code, k, t)} onClose={() => setDialog(null)} />
        </Suspense>
      )}
    </div>
  );
}

/**
 * The canvas a flow opens with: its stored one, or (an imported flow, a template: no positions yet)
 * a layout along its edges, so the graph shows as drawn rather than in file order. Very big flows
 * keep the cheap column layout.
 */
function openingCanvas(flow: Flow) {
  const canvas = normalizeCanvas(flow.canvasState);
  if (Object.keys(canvas.positions).length > 0) return canvas;
  const model = parseFlow(flow.organismYaml).model;
  if (!model || model.listeners.length + model.triggers.length > 300 || model.listeners.length === 0) return canvas;
  return { ...canvas, positions: layoutFlow(model) };
}
