// The split view's divider between canvas and YAML: where it sits, as the canvas's share of the two
// columns, kept in localStorage so a person's layout survives reloads.

export const SPLIT_DEFAULT = 0.5;
const KEY = 'nextra.split';
/** Neither side may shrink below this many pixels. */
export const SPLIT_MIN_PX = 220;

/** The canvas's share after dragging the divider to clientX, within [left, left + width] of the two columns. */
export function splitAt(clientX: number, left: number, width: number): number {
  if (!(width > 0)) return SPLIT_DEFAULT;
  const min = Math.min(0.5, SPLIT_MIN_PX / width);
  return Math.min(1 - min, Math.max(min, (clientX - left) / width));
}

/** grid-template-columns for the split view: palette, canvas, YAML, inspector. */
export function splitColumns(share: number): string {
  const s = Math.min(0.95, Math.max(0.05, share));
  return `170px minmax(0, ${s.toFixed(4)}fr) minmax(0, ${(1 - s).toFixed(4)}fr) 280px`;
}

export function loadSplit(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): number {
  const v = Number(storage?.getItem(KEY));
  return Number.isFinite(v) && v > 0 && v < 1 ? v : SPLIT_DEFAULT;
}

export function saveSplit(share: number, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, String(share));
  } catch {
    // Private mode or a full quota: the layout just does not persist.
  }
}
