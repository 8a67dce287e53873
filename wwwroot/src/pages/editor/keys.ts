// Maps a keyboard event to an editor command (pure, so it can be tested without a DOM).
export type KeyCommand = 'save' | 'undo' | 'redo' | 'copy' | 'paste' | null;

export function keyCommand(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }, inTextField: boolean): KeyCommand {
  const mod = e.ctrlKey || e.metaKey;
  if (!mod) return null;
  const k = e.key.toLowerCase();
  if (k === 's') return 'save';
  if (inTextField) return null;
  if (k === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (k === 'y') return 'redo';
  if (k === 'c') return 'copy';
  if (k === 'v') return 'paste';
  return null;
}
