import { SPLIT_DEFAULT, splitAt } from './splitPane';

/**
 * The draggable divider on the YAML pane's left edge in the split view. Reports the canvas's share of
 * the two columns while dragging (onChange) and once at the end (onCommit); a double click resets it.
 */
export function SplitHandle({ onChange, onCommit }: { onChange: (share: number) => void; onCommit: (share: number) => void }) {
  function start(e: React.PointerEvent<HTMLDivElement>) {
    const body = e.currentTarget.closest('.editor-body');
    const canvas = body?.querySelector('.canvas-wrap')?.getBoundingClientRect();
    const yaml = body?.querySelector('.yaml-wrap')?.getBoundingClientRect();
    if (!canvas || !yaml) return;
    e.preventDefault();
    const handle = e.currentTarget;
    handle.setPointerCapture(e.pointerId);
    const left = canvas.left;
    const width = yaml.right - canvas.left;
    let share = splitAt(e.clientX, left, width);
    const move = (ev: PointerEvent) => {
      share = splitAt(ev.clientX, left, width);
      onChange(share);
    };
    const end = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', end);
      handle.removeEventListener('pointercancel', end);
      onCommit(share);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', end);
    handle.addEventListener('pointercancel', end);
  }
  return (
    <div
      className="split-handle"
      data-testid="split-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize canvas and YAML"
      title="Drag to resize; double-click to reset"
      onPointerDown={start}
      onDoubleClick={() => onCommit(SPLIT_DEFAULT)}
    />
  );
}
