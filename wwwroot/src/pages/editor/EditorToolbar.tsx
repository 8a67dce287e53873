import { Link } from 'react-router';
import { BackIcon, PlayIcon, RedoIcon, StopIcon, UndoIcon } from '../../components/icons';

export type View = 'canvas' | 'yaml' | 'split';
export type SaveState = 'saved' | 'unsaved' | 'saving' | 'error';

interface Props {
  flowId: string;
  flowName: string;
  view: View;
  readOnly: boolean;
  /** Save is enabled while there is something to save (or the last save failed). */
  canSave: boolean;
  /** Run needs a parsable document. */
  canRun: boolean;
  status: string;
  statusError: string | null;
  canUndo: boolean;
  canRedo: boolean;
  versionsOpen: boolean;
  logsOpen: boolean;
  onSave: () => void;
  onRun: () => void;
  onStop: () => void;
  onView: (v: View) => void;
  onUndo: () => void;
  onRedo: () => void;
  onPayloads: () => void;
  onVersions: () => void;
  onLogs: () => void;
  /** Publish the flow as a marketplace template (absent: no button). */
  onPublish?: () => void;
}

/** The editor's top bar: save/run/stop, the view switch, undo/redo, the panels, and the flow's status. */
export function EditorToolbar(p: Props) {
  const viewButton = (v: View, label: string) => (
    <button className={p.view === v ? 'on' : ''} onClick={() => p.onView(v)} data-testid={`view-${v}`}>{label}</button>
  );
  return (
    <div className="toolbar" data-testid="toolbar">
      <Link to="/dashboard" className="muted back-link"><BackIcon size={14} /> Flows</Link>
      <strong className="flow-name" title={p.flowName}>{p.flowName}</strong>
      <button onClick={p.onSave} disabled={p.readOnly || !p.canSave} className="primary" data-testid="save">Save</button>
      <button onClick={p.onRun} disabled={p.readOnly || !p.canRun} data-testid="run"><PlayIcon size={12} /> Run</button>
      <button onClick={p.onStop} disabled={p.readOnly || p.status === 'stopped'} data-testid="stop"><StopIcon size={12} /> Stop</button>
      <span className="sep" />
      {viewButton('yaml', 'YAML')}
      {viewButton('canvas', 'Canvas')}
      {viewButton('split', 'Split')}
      <span className="sep" />
      <button onClick={p.onUndo} disabled={!p.canUndo} title="Undo (Ctrl+Z)" aria-label="Undo"><UndoIcon size={15} /></button>
      <button onClick={p.onRedo} disabled={!p.canRedo} title="Redo (Ctrl+Shift+Z)" aria-label="Redo"><RedoIcon size={15} /></button>
      <button onClick={p.onPayloads} data-testid="payloads">Payloads</button>
      <button className={p.versionsOpen ? 'on' : ''} onClick={p.onVersions} data-testid="versions">Versions</button>
      <button className={p.logsOpen ? 'on' : ''} onClick={p.onLogs} data-testid="logs">Logs</button>
      {p.onPublish && <button onClick={p.onPublish} disabled={p.readOnly} title="Publish this flow (as saved) to the marketplace as a template" data-testid="publish">Publish</button>}
      <span className="spacer" />
      <span className={`status status-${p.status}`} data-testid="flow-status" title={p.statusError ?? undefined}>{p.status}</span>
      {p.status === 'error' && p.statusError && <span className="status-reason" data-testid="flow-error" title={p.statusError}>{p.statusError}</span>}
      <Link to={`/flow/${p.flowId}/runs`}>Runs</Link>
    </div>
  );
}

/** The editor's bottom line: zoom, node count, save state and validity. */
export function EditorFooter({ zoom, nodes, saveState, yamlErrorLine, problems }: { zoom: number; nodes: number; saveState: SaveState; yamlErrorLine: number | null; problems: number }) {
  const saveText = saveState === 'saved' ? 'Saved' : saveState === 'saving' ? 'Saving…' : saveState === 'error' ? 'Save failed' : 'Unsaved';
  return (
    <footer className="footer" data-testid="footer">
      <span>Zoom: {Math.round(zoom * 100)}%</span>
      <span data-testid="node-count">Nodes: {nodes}</span>
      <span data-testid="save-status" className={`save-${saveState}`}>Status: {saveText}</span>
      <span>{yamlErrorLine !== null ? `YAML error line ${yamlErrorLine}` : problems ? `${problems} problem(s)` : 'Valid'}</span>
    </footer>
  );
}
