// Trailing-edge debouncing with an explicit flush, for YAML → canvas parsing of large flows:
// typing only stores the latest value; the expensive work runs once typing pauses, or at once
// when something needs the up-to-date document (save, undo, a canvas edit, leaving the view).

export interface Timers {
  set: (f: () => void, ms: number) => unknown;
  clear: (handle: unknown) => void;
}

const realTimers: Timers = {
  set: (f, ms) => setTimeout(f, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** How long the editor waits after the last keystroke before re-deriving the canvas. */
export const YAML_PARSE_DELAY_MS = 150;

export class Debounced<T> {
  private value: T | undefined;
  private has = false;
  private handle: unknown = null;

  /** `run(value, fromTimer)`: fromTimer is true when the pause elapsed, false on an explicit flush. */
  constructor(
    private readonly run: (value: T, fromTimer: boolean) => void,
    private readonly ms: number,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Stores `value` (replacing any pending one) and restarts the wait. */
  push(value: T): void {
    this.value = value;
    this.has = true;
    this.stopTimer();
    this.handle = this.timers.set(() => {
      this.handle = null;
      this.fire(true);
    }, this.ms);
  }

  /** Runs the pending value now; returns whether there was one. */
  flush(): boolean {
    this.stopTimer();
    return this.fire(false);
  }

  /** Drops the pending value without running it. */
  cancel(): void {
    this.stopTimer();
    this.has = false;
    this.value = undefined;
  }

  get pending(): boolean {
    return this.has;
  }

  private fire(fromTimer: boolean): boolean {
    if (!this.has) return false;
    const v = this.value as T;
    this.has = false;
    this.value = undefined;
    this.run(v, fromTimer);
    return true;
  }

  private stopTimer() {
    if (this.handle !== null) this.timers.clear(this.handle);
    this.handle = null;
  }
}

/** One change of a Monaco content-change event (the fields this module reads). */
export interface TextChange {
  text: string;
  rangeLength: number;
}

/** Up to this many characters inserted or removed by one change counts as typing. */
export const TYPING_MAX_CHARS = 32;

/**
 * Whether an editor change is a bulk edit (paste, replace-all, a multi-cursor or programmatic
 * rewrite) rather than typing: bulk edits re-derive the canvas at once, typing waits for a pause.
 */
export function isBulkEdit(changes: readonly TextChange[]): boolean {
  if (changes.length > 1) return true;
  return changes.some((c) => c.text.length > TYPING_MAX_CHARS || c.rangeLength > TYPING_MAX_CHARS || (c.text.match(/\n/g)?.length ?? 0) > 1);
}
