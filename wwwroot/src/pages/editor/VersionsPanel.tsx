import { lazy, Suspense, useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { FlowVersion, FlowVersionSummary } from '../../api/types';
import { ago } from '../../components/format';

const VersionDiff = lazy(() => import('./VersionDiff'));

interface Props {
  flowId: string;
  /** The version the editor holds (changes after each save or restore, which reloads the list). */
  current: number;
  /** The editor's text now (the diff's right side). */
  currentText: string;
  readOnly: boolean;
  /** Resolves false when the restore was called off (unsaved changes kept). */
  onRestore: (n: number) => Promise<boolean>;
  onClose: () => void;
}

/** The flow's saved versions, newest first; one opens as a diff against the current text, and can be restored. */
export function VersionsPanel({ flowId, current, currentText, readOnly, onRestore, onClose }: Props) {
  const [list, setList] = useState<FlowVersionSummary[] | null>(null);
  const [open, setOpen] = useState<FlowVersion | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    api.versions(flowId).then((v) => live && setList([...v].sort((a, b) => b.version - a.version)), (e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [flowId, current]);

  async function show(n: number) {
    setError(null);
    try {
      setOpen(await api.version(flowId, n));
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  async function restore(n: number) {
    setBusy(true);
    try {
      if (await onRestore(n)) setOpen(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <aside className="drawer" data-testid="versions-panel">
        <div className="row">
          <h3>Versions</h3>
          <span className="spacer" />
          <button onClick={onClose} title="Close">×</button>
        </div>
        {error && <div className="error-text">{error}</div>}
        {list === null ? (
          <p className="muted small">Loading…</p>
        ) : list.length === 0 ? (
          <p className="muted small">No versions yet: each save that changes the YAML records one.</p>
        ) : (
          <ul className="versions">
            {list.map((v) => (
              <li key={v.version} className={open?.version === v.version ? 'on' : ''}>
                <button className="version-item" onClick={() => show(v.version)} data-testid="version-item" data-version={v.version}>
                  <span><b>v{v.version}</b>{v.version === current && <span className="badge">current</span>}</span>
                  <span className="muted small" title={new Date(v.createdAt).toLocaleString()}>{ago(v.createdAt)}{v.createdBy ? ` · ${v.createdBy}` : ''}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </aside>
      {open && (
        <div className="dialog-backdrop" onClick={() => setOpen(null)}>
          <div className="dialog code" onClick={(e) => e.stopPropagation()} data-testid="version-view">
            <div className="row">
              <h2>Version {open.version}</h2>
              <span className="muted small">{new Date(open.createdAt).toLocaleString()} · left: v{open.version}, right: the editor now</span>
              <span className="spacer" />
              {!readOnly && (
                <button className="primary" disabled={busy} onClick={() => restore(open.version)} data-testid="version-restore">Restore v{open.version}</button>
              )}
              <button onClick={() => setOpen(null)}>Close</button>
            </div>
            <Suspense fallback={<div className="center muted">Loading editor…</div>}>
              <VersionDiff original={open.organismYaml} modified={currentText} />
            </Suspense>
          </div>
        </div>
      )}
    </>
  );
}
