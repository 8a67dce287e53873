import { useEffect, useRef } from 'react';
import { copyNodes, pasteNodes } from '../../flow/edits';
import type { DocState } from './history';
import { keyCommand } from './keys';
import type { FlowDoc } from './useFlowDoc';

interface Options {
  doc: FlowDoc;
  selected: string[];
  setSelected: (ids: string[]) => void;
  /** Runs a text edit as one undo step (the editor's error-reporting wrapper). */
  edit: (f: (s: DocState) => DocState) => void;
  save: () => Promise<void>;
  /** No paste while the canvas cannot be edited (read-only, or the YAML does not parse). */
  canvasLocked: boolean;
}

/** The editor's window shortcuts: save, undo/redo, copy/paste of nodes (keys.ts maps the keys). */
export function useEditorKeys({ doc, selected, setSelected, edit, save, canvasLocked }: Options) {
  const clipboard = useRef<ReturnType<typeof copyNodes>>([]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t?.closest?.('.monaco-editor')) return; // Monaco has its own bindings wired to ours.
      const inText = !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
      const cmd = keyCommand(e, inText);
      if (!cmd) return;
      if (cmd === 'save') void save();
      else if (cmd === 'undo') doc.undo();
      else if (cmd === 'redo') doc.redo();
      else if (cmd === 'copy') {
        if (!selected.length) return;
        clipboard.current = copyNodes(doc.text, selected);
      } else if (cmd === 'paste') {
        if (!clipboard.current.length || canvasLocked) return;
        edit((s) => {
          const r = pasteNodes(s.text, clipboard.current);
          const positions = { ...s.canvas.positions };
          r.ids.forEach((nid, i) => {
            const orig = s.canvas.positions[clipboard.current[i].section === 'triggers' ? `t:${clipboard.current[i].entry.name}` : `l:${clipboard.current[i].entry.name}`];
            if (orig) positions[nid] = { x: orig.x + 40, y: orig.y + 40 };
          });
          setSelected(r.ids);
          return { text: r.text, canvas: { ...s.canvas, positions } };
        });
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save, doc, selected, setSelected, edit, canvasLocked]);
}
