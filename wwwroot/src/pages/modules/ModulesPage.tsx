import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, errorMessage, isQuota } from '../../api/client';
import type { Flow, ModuleUpload, WasmModule } from '../../api/types';
import { canEdit, useAuth } from '../../components/auth';
import { ago } from '../../components/format';
import { ErrorBanner, QuotaBanner } from '../../components/Layout';
import { PublishDialog } from '../marketplace/PublishDialog';
import { formatBytes, groupModules, kindOfFile, moduleNameFromFile, toBase64, validModuleName } from './moduleRef';

const SourceEditor = lazy(() => import('./ModuleSourceEditor'));

/** A refused delete: the flows that use the module, linked when their names resolve. */
interface InUse {
  module: string;
  flows: { name: string; id?: string }[];
}

/** The tenant's WASM modules: every version, upload (.wasm, .wat or AssemblyScript), delete. */
export default function ModulesPage() {
  const { me } = useAuth();
  const editable = canEdit(me);
  const [list, setList] = useState<WasmModule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [quota, setQuota] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [inUse, setInUse] = useState<InUse | null>(null);
  const [publishing, setPublishing] = useState<WasmModule | null>(null);
  const load = useCallback(() => api.modules().then(setList, (e) => setError(errorMessage(e))), []);
  useEffect(() => {
    void load();
  }, [load]);

  async function remove(m: WasmModule) {
    if (!confirm(`Delete module ${m.name}@${m.version}?`)) return;
    setInUse(null);
    try {
      await api.deleteModule(m.id);
      setInfo(`Deleted ${m.name}@${m.version}.`);
      await load();
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'module_in_use' || e.status === 409 || e.status === 422) && Array.isArray(e.extensions.flows)) {
        const names = (e.extensions.flows as unknown[]).map(String);
        const flows: Flow[] = await api.flows().catch(() => []);
        setInUse({ module: `${m.name}@${m.version}`, flows: names.map((n) => ({ name: n, id: flows.find((f) => f.name === n)?.id })) });
      } else setError(errorMessage(e));
    }
  }

  /** Uploads; returns the located errors of a module that does not build (for markers), else null. */
  const upload = useCallback(async (m: ModuleUpload): Promise<{ line: number; column: number; message: string }[] | null> => {
    setError(null);
    setInfo(null);
    try {
      const created = await api.uploadModule(m);
      setInfo(`Uploaded ${created.name}@${created.version}.`);
      setQuota(null);
      await load();
      return null;
    } catch (e) {
      if (isQuota(e)) setQuota(errorMessage(e));
      else setError(errorMessage(e));
      if (e instanceof ApiError && e.errors.length) return e.errors as { line: number; column: number; message: string }[];
      return [];
    }
  }, [load]);

  const groups = list ? groupModules(list) : [];
  return (
    <div className="page modules">
      <div className="page-head">
        <h1>Modules</h1>
        <span className="muted small">WebAssembly code for <code>handler: code</code> listeners, used as <code>config: {'{'}module: NAME@VERSION{'}'}</code>.</span>
      </div>
      <QuotaBanner message={quota} onClose={() => setQuota(null)} />
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {info && <div className="info-banner" data-testid="modules-info">{info}</div>}
      {inUse && (
        <div className="error-banner" role="alert" data-testid="module-in-use">
          <span>
            {inUse.module} is used by{' '}
            {inUse.flows.map((f, i) => (
              <span key={i}>{i > 0 && ', '}{f.id ? <Link to={`/flow/${f.id}`}>{f.name}</Link> : <b>{f.name}</b>}</span>
            ))}
            . Remove it from {inUse.flows.length > 1 ? 'those flows' : 'that flow'} first.
          </span>
          <button className="link" onClick={() => setInUse(null)}>×</button>
        </div>
      )}
      {list === null ? (
        <p className="muted">Loading…</p>
      ) : groups.length === 0 ? (
        <p className="muted" data-testid="modules-empty">No modules yet.{editable ? ' Upload a .wasm or .wat file, or write AssemblyScript below.' : ''}</p>
      ) : (
        <table className="list" data-testid="modules-table">
          <thead>
            <tr><th>Name</th><th>Version</th><th>Kind</th><th>Size</th><th>Created</th><th>Interface</th><th /></tr>
          </thead>
          <tbody>
            {groups.flatMap((g) => g.versions.map((m, i) => (
              <tr key={m.id} data-testid="module-row" data-module={`${m.name}@${m.version}`}>
                <td>{i === 0 ? <b>{m.name}</b> : null}</td>
                <td><code>{m.version}</code>{i === 0 && g.versions.length > 1 && <span className="badge">latest</span>}</td>
                <td>{m.kind}</td>
                <td>{formatBytes(m.size)}</td>
                <td className="muted" title={new Date(m.createdAt).toLocaleString()}>{ago(m.createdAt)}</td>
                <td className="small">
                  {m.wit ? <details><summary>WIT</summary><pre>{m.wit}</pre></details> : null}
                  {!m.wit && <span className="muted">—</span>}
                </td>
                <td className="actions">
                  {editable && i === 0 && <button className="link edit-only" onClick={() => setPublishing(m)} title="Publish this version to the marketplace as a tool" data-testid="module-publish">Publish</button>}
                  {editable && <button className="link danger edit-only" onClick={() => remove(m)} data-testid="module-delete">Delete</button>}
                </td>
              </tr>
            )))}
          </tbody>
        </table>
      )}
      {editable && <UploadForm upload={upload} />}
      {publishing && <PublishDialog kind="tool" sourceId={publishing.id} sourceName={publishing.name} onClose={() => setPublishing(null)} />}
    </div>
  );
}

function UploadForm({ upload }: { upload: (m: ModuleUpload) => Promise<{ line: number; column: number; message: string }[] | null> }) {
  const [mode, setMode] = useState<'file' | 'source'>('file');
  const [name, setName] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [fileErrors, setFileErrors] = useState<string[]>([]);
  const nameOk = validModuleName(name);

  async function sendFile(e: React.FormEvent) {
    e.preventDefault();
    if (!file) return;
    const kind = kindOfFile(file.name);
    if (!kind) {
      setFileErrors(['Choose a .wasm or .wat file.']);
      return;
    }
    setBusy(true);
    try {
      const content = kind === 'wasm' ? toBase64(new Uint8Array(await file.arrayBuffer())) : await file.text();
      const errs = await upload({ name, kind, content });
      setFileErrors(errs ? errs.map((x) => (x.line ? `line ${x.line}: ${x.message}` : x.message)) : []);
      if (!errs) setFile(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card wide-only" data-testid="module-upload">
      <div className="row">
        <h2>Upload a module</h2>
        <span className="spacer" />
        <button className={mode === 'file' ? 'on' : ''} onClick={() => setMode('file')} data-testid="upload-mode-file">.wasm / .wat file</button>
        <button className={mode === 'source' ? 'on' : ''} onClick={() => setMode('source')} data-testid="upload-mode-source">AssemblyScript</button>
      </div>
      <div className="row">
        <label className="field">
          <span>Name (lower-case letters, digits, - and _); a new upload under the same name adds a version</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="my-module" data-testid="module-name" />
        </label>
        {name && !nameOk && <span className="error-text">Not a valid module name.</span>}
      </div>
      {mode === 'file' ? (
        <form className="row" onSubmit={sendFile}>
          <input
            type="file"
            accept=".wasm,.wat"
            onChange={(e) => {
              const f = e.target.files?.[0] ?? null;
              setFile(f);
              setFileErrors([]);
              if (f && !name) setName(moduleNameFromFile(f.name));
            }}
            data-testid="module-file"
          />
          <button type="submit" className="primary" disabled={!file || !nameOk || busy} data-testid="module-upload-file">{busy ? 'Uploading…' : 'Upload'}</button>
          {fileErrors.map((x, i) => <div key={i} className="error-text">{x}</div>)}
        </form>
      ) : (
        <Suspense fallback={<div className="center muted">Loading editor…</div>}>
          <SourceEditor canUpload={nameOk} onUpload={(content) => upload({ name, kind: 'assemblyscript', content })} />
        </Suspense>
      )}
    </section>
  );
}
