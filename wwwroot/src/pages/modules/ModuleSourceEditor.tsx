import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { monaco } from '../editor/monaco';
import { loadTypings, markBuildErrors, starter } from '../editor/sdkTypings';

type Located = { line: number; column: number; message: string };

/** AssemblyScript for a new module: Monaco with the SDK typings; Check builds on the server, errors marked at their lines. */
export default function ModuleSourceEditor({ canUpload, onUpload }: { canUpload: boolean; onUpload: (source: string) => Promise<Located[] | null> }) {
  const host = useRef<HTMLDivElement>(null);
  const ed = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void loadTypings().then((m) => setStatus((cur) => cur || m));
    const uri = monaco.Uri.parse('file:///new-module.ts');
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(starter, 'typescript', uri);
    const editor = monaco.editor.create(host.current!, { model, automaticLayout: true, minimap: { enabled: false }, fontSize: 13 });
    ed.current = editor;
    (window as unknown as { __nextraModuleSource?: unknown }).__nextraModuleSource = editor;
    return () => {
      editor.dispose();
      model.dispose();
    };
  }, []);

  const show = (errors: Located[]) => {
    const model = ed.current?.getModel();
    if (model) markBuildErrors(model, errors);
    const located = errors.filter((e) => e.line > 0);
    setStatus(errors.length === 0 ? '' : `${errors.length} error(s)${located.length ? '; see the marked lines' : ''}: ${errors[0].message}`);
  };

  async function check() {
    const model = ed.current?.getModel();
    if (!model) return;
    setBusy(true);
    setStatus('Building…');
    try {
      const r = await api.buildModule(model.getValue());
      show(r.errors);
      if (r.ok) setStatus('Build succeeded.');
    } catch (e) {
      setStatus(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function upload() {
    const model = ed.current?.getModel();
    if (!model) return;
    setBusy(true);
    setStatus('Building and uploading…');
    try {
      const errors = await onUpload(model.getValue());
      if (errors === null) {
        show([]);
        setStatus('Uploaded.');
      } else show(errors);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <div className="monaco-host code" ref={host} data-testid="module-source" />
      <div className="row">
        <button onClick={check} disabled={busy} data-testid="module-check">Check</button>
        <button className="primary" onClick={upload} disabled={busy || !canUpload} data-testid="module-upload-source">Build and upload</button>
        <span className="muted small" data-testid="module-source-status">{status}</span>
      </div>
    </div>
  );
}
