import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { monaco } from './monaco';
import { loadTypings, markBuildErrors, starter } from './sdkTypings';

export type CodeKind = 'source' | 'wat';

const watStarter = `(module
  ;; exports: memory, alloc(len) -> ptr, handle(ptr, len) -> i64 (ptr << 32 | len)
)
`;

interface Props {
  listener: string;
  initial: { kind: CodeKind; text: string } | null;
  readOnly: boolean;
  onApply: (kind: CodeKind, text: string) => void;
  onClose: () => void;
}

/**
 * A code block's inline code (`config.source` AssemblyScript or `config.wat`): Monaco in
 * TypeScript mode with the SDK typings; [Build] compiles on the server and marks errors.
 */
export default function CodeEditor({ listener, initial: initialProp, readOnly, onApply, onClose }: Props) {
  // The code as it was when the dialog opened: parent re-renders (status updates) must not reset the editor.
  const [initial] = useState(initialProp);
  const host = useRef<HTMLDivElement>(null);
  const ed = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const [kind, setKind] = useState<CodeKind>(initial?.kind ?? 'source');
  const [status, setStatus] = useState('');

  useEffect(() => {
    if (kind === 'source') void loadTypings().then((m) => setStatus((cur) => cur || m));
    const uri = monaco.Uri.parse(`file:///${listener.replace(/[^A-Za-z0-9_-]/g, '_')}.${kind === 'wat' ? 'wat' : 'ts'}`);
    const text = initial && initial.kind === kind ? initial.text : kind === 'wat' ? watStarter : starter;
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(text, kind === 'wat' ? 'plaintext' : 'typescript', uri);
    const editor = monaco.editor.create(host.current!, { model, automaticLayout: true, minimap: { enabled: false }, fontSize: 13, readOnly });
    ed.current = editor;
    return () => {
      editor.dispose();
      model.dispose();
    };
  }, [listener, kind, initial, readOnly]);

  async function build() {
    const model = ed.current?.getModel();
    if (!model) return;
    setStatus('Building…');
    try {
      const r = await api.buildModule(model.getValue());
      markBuildErrors(model, r.errors);
      setStatus(r.ok ? 'Build succeeded.' : `${r.errors.length} error(s); see the marked lines.`);
    } catch (e) {
      setStatus(errorMessage(e));
    }
  }

  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog code" onClick={(e) => e.stopPropagation()} data-testid="code-editor">
        <div className="row">
          <h2>Code: {listener}</h2>
          <span className="spacer" />
          <select value={kind} onChange={(e) => setKind(e.target.value as CodeKind)}>
            <option value="source">AssemblyScript (config.source)</option>
            <option value="wat">WAT text (config.wat)</option>
          </select>
          {kind === 'source' && <button onClick={build} data-testid="code-build">Build</button>}
          {!readOnly && <button className="primary" onClick={() => { onApply(kind, ed.current?.getValue() ?? ''); onClose(); }} data-testid="code-apply">Apply to flow</button>}
          <button onClick={onClose}>Close</button>
        </div>
        <div className="monaco-host code" ref={host} />
        <div className="muted small" data-testid="code-status">{status}</div>
      </div>
    </div>
  );
}
