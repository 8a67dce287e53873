import { useEffect, useRef } from 'react';
import { monaco } from './monaco';

/** Monaco's read-only side-by-side diff of two YAML texts. */
export default function VersionDiff({ original, modified }: { original: string; modified: string }) {
  const host = useRef<HTMLDivElement>(null);
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
    });
    ed.setModel({ original: a, modified: b });
    (window as unknown as { __nextraVersionDiff?: unknown }).__nextraVersionDiff = ed;
    return () => {
      ed.dispose();
      a.dispose();
      b.dispose();
    };
  }, [original, modified]);
  return <div className="monaco-host code" ref={host} data-testid="version-diff" />;
}
