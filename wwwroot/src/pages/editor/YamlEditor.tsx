import { useEffect, useRef } from 'react';
import type { Problem } from '../../api/types';
import type { YamlError } from '../../flow/model';
import { isBulkEdit } from './debounce';
import { minimalEdit, monaco } from './monaco';

interface Props {
  value: string;
  /** `bulk`: a paste or rewrite rather than typing (see isBulkEdit). */
  onChange: (v: string, bulk: boolean) => void;
  yamlError: YamlError | null;
  problems: Problem[];
  readOnly: boolean;
  reveal: { line: number; seq: number } | null;
  onUndo: () => void;
  onRedo: () => void;
  onSave: () => void;
  /** Leaving the editor (blur, unmount): the parent applies deferred typing now. */
  onBlur?: () => void;
}

/** Monaco in YAML mode; canvas edits arrive as minimal edits so the cursor and scroll stay put. */
export default function YamlEditor(p: Props) {
  const host = useRef<HTMLDivElement>(null);
  const ed = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const applying = useRef(false);
  const cb = useRef(p);
  cb.current = p;

  useEffect(() => {
    const editor = monaco.editor.create(host.current!, {
      value: p.value,
      language: 'yaml',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      tabSize: 2,
      readOnly: p.readOnly,
      scrollBeyondLastLine: false,
    });
    ed.current = editor;
    const sub = editor.onDidChangeModelContent((e) => {
      if (!applying.current) cb.current.onChange(editor.getValue(), isBulkEdit(e.changes));
    });
    // One undo history for canvas and YAML: Monaco's own undo would only know its half.
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyZ, () => cb.current.onUndo());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.KeyZ, () => cb.current.onRedo());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyY, () => cb.current.onRedo());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => cb.current.onSave());
    const blur = editor.onDidBlurEditorText(() => cb.current.onBlur?.());
    (window as unknown as { __nextraYaml?: unknown }).__nextraYaml = editor;
    return () => {
      sub.dispose();
      blur.dispose();
      editor.dispose();
      cb.current.onBlur?.();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = ed.current;
    const model = editor?.getModel();
    if (!editor || !model) return;
    const d = minimalEdit(model.getValue(), p.value);
    if (!d) return;
    const a = model.getPositionAt(d.start);
    const b = model.getPositionAt(d.end);
    applying.current = true;
    try {
      editor.executeEdits('canvas', [{ range: new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column), text: d.text, forceMoveMarkers: true }], editor.getSelections() ?? undefined);
    } finally {
      applying.current = false;
    }
  }, [p.value]);

  useEffect(() => ed.current?.updateOptions({ readOnly: p.readOnly }), [p.readOnly]);

  useEffect(() => {
    const model = ed.current?.getModel();
    if (!model) return;
    const markers: monaco.editor.IMarkerData[] = p.problems.map((x) => ({
      severity: monaco.MarkerSeverity.Warning,
      message: `${x.code}: ${x.message}`,
      startLineNumber: Math.max(1, x.line),
      startColumn: Math.max(1, x.column),
      endLineNumber: Math.max(1, x.line),
      endColumn: model.getLineMaxColumn(Math.min(model.getLineCount(), Math.max(1, x.line))),
    }));
    if (p.yamlError) {
      const line = Math.min(model.getLineCount(), Math.max(1, p.yamlError.line));
      markers.push({ severity: monaco.MarkerSeverity.Error, message: p.yamlError.message, startLineNumber: line, startColumn: 1, endLineNumber: line, endColumn: model.getLineMaxColumn(line) });
    }
    monaco.editor.setModelMarkers(model, 'nextra', markers);
  }, [p.problems, p.yamlError, p.value]);

  useEffect(() => {
    if (!p.reveal || !ed.current) return;
    ed.current.revealLineInCenter(p.reveal.line);
    ed.current.setPosition({ lineNumber: p.reveal.line, column: 1 });
    ed.current.focus();
  }, [p.reveal]);

  return <div className="monaco-host" ref={host} data-testid="yaml-editor" />;
}
