import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { monaco, typescriptDefaults } from './monaco';

const starter = `import { Payload, emit } from "nextra";

// Called once per message for this listener.
export function handle(input: Payload): void {
  emit(input);
}
`;

// AssemblyScript's built-in types the TS service does not know, so common code type-checks.
const asTypes = `declare type i8 = number; declare type i16 = number; declare type i32 = number; declare type i64 = number;
declare type u8 = number; declare type u16 = number; declare type u32 = number; declare type u64 = number;
declare type f32 = number; declare type f64 = number; declare type isize = number; declare type usize = number; declare type bool = boolean;
declare function unchecked<T>(v: T): T; declare function changetype<T>(v: unknown): T;`;

let typingsLoaded = false;

/** AssemblyScript in Monaco's TypeScript mode; [Build] compiles on the server and marks errors. WAT edits as text. */
export default function CodeEditor({ listener, onClose }: { listener: string; onClose: () => void }) {
  const host = useRef<HTMLDivElement>(null);
  const ed = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const [lang, setLang] = useState<'assemblyscript' | 'wat'>('assemblyscript');
  const [status, setStatus] = useState('');
  const key = `nextra.code.${listener}.${lang}`;

  useEffect(() => {
    if (!typingsLoaded) {
      typingsLoaded = true;
      typescriptDefaults.addExtraLib(asTypes, 'file:///assemblyscript.d.ts');
      api.sdkTypings().then(
        (d) => d ? typescriptDefaults.addExtraLib(`declare module "nextra" {\n${d}\n}`, 'file:///nextra.d.ts') : setStatus('SDK typings not available (404); editing without them.'),
        () => setStatus('Could not load SDK typings.'),
      );
    }
    const uri = monaco.Uri.parse(`file:///${listener}.${lang === 'wat' ? 'wat' : 'ts'}`);
    const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(localStorage.getItem(key) ?? (lang === 'wat' ? '(module)\n' : starter), lang === 'wat' ? 'plaintext' : 'typescript', uri);
    const editor = monaco.editor.create(host.current!, { model, automaticLayout: true, minimap: { enabled: false }, fontSize: 13 });
    ed.current = editor;
    const sub = model.onDidChangeContent(() => localStorage.setItem(key, model.getValue()));
    return () => {
      sub.dispose();
      editor.dispose();
    };
  }, [listener, lang, key]);

  async function build() {
    const model = ed.current?.getModel();
    if (!model) return;
    setStatus('Building…');
    try {
      const r = await api.buildModule(model.getValue());
      monaco.editor.setModelMarkers(model, 'asc', r.errors.map((e) => ({
        severity: monaco.MarkerSeverity.Error, message: e.message,
        startLineNumber: Math.max(1, e.line), startColumn: Math.max(1, e.column), endLineNumber: Math.max(1, e.line), endColumn: Math.max(1, e.column) + 1,
      })));
      setStatus(r.ok ? 'Build succeeded.' : `${r.errors.length} error(s).`);
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
          <select value={lang} onChange={(e) => setLang(e.target.value as 'assemblyscript' | 'wat')}>
            <option value="assemblyscript">AssemblyScript</option>
            <option value="wat">WAT (text)</option>
          </select>
          {lang === 'assemblyscript' && <button className="primary" onClick={build}>Build</button>}
          <button onClick={onClose}>Close</button>
        </div>
        <div className="monaco-host code" ref={host} />
        <div className="muted small">{status}</div>
      </div>
    </div>
  );
}
