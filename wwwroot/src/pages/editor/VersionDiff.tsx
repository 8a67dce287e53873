import { useEffect, useRef } from 'react';
import { monaco } from './monaco';

/** Monaco's read-only side-by-side diff of two YAML texts. */
export default function VersionDiff({ original, modified }: { original: string; modified: string }) {
  const host = useRef<HTMLDivElement>(null);
  const models = useRef<{ a: monaco.editor.ITextModel; b: monaco.editor.ITextModel } | null>(null);
  // One editor for the dialog's life: new texts go into its models. Re-creating it on every text
  // change (a restore changes the editor's text while the dialog closes) disposed it while its
  // gutter menu still had work queued, which threw "AbstractContextKeyService has been disposed".
  useEffect(() => {
    const a = monaco.editor.createModel(original, 'yaml');
    const b = monaco.editor.createModel(modified, 'yaml');
    const ed = monaco.editor.createDiffEditor(host.current!, {
      readOnly: true,
      originalEditable: false,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      scrollBeyondLastLine: false,
      renderSideBySide: true,
      // Read-only: no revert arrows or gutter menu.
      renderMarginRevertIcon: false,
      renderGutterMenu: false,
    });
    ed.setModel({ original: a, modified: b });
    models.current = { a, b };
    (window as unknown as { __nextraVersionDiff?: unknown }).__nextraVersionDiff = ed;
    return () => {
      models.current = null;
      ed.dispose();
      a.dispose();
      b.dispose();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- texts are applied by the effect below
  }, []);
  useEffect(() => {
    const m = models.current;
    if (!m) return;
    if (m.a.getValue() !== original) m.a.setValue(original);
    if (m.b.getValue() !== modified) m.b.setValue(modified);
  }, [original, modified]);
  return <div className="monaco-host code" ref={host} data-testid="version-diff" />;
}
