// The Logs panel's buffer: recent lines from GET /api/flows/{id}/logs merged with live `Log`
// hub events (which may overlap them), kept in time order, capped, and clearable client-side.
import type { LogLine } from '../../api/types';

export const LOG_CAP = 1000;

export interface LogBuffer {
  lines: LogLine[];
  /** Lines at or before this time (ms) were cleared by the person and are not shown again. */
  clearedAt: number | null;
}

export const emptyLogs: LogBuffer = { lines: [], clearedAt: null };

const time = (l: LogLine) => {
  const t = Date.parse(l.at);
  return Number.isNaN(t) ? 0 : t;
};
// REST and the hub may format the same instant differently, so lines are keyed by the parsed time.
const key = (l: LogLine) => `${time(l)}|${l.level}|${l.message}`;

/** Adds lines (recent or live), dropping duplicates and cleared ones, oldest first, at most `cap`. */
export function mergeLogs(buf: LogBuffer, incoming: LogLine[], cap = LOG_CAP): LogBuffer {
  const fresh = incoming.filter((l) => buf.clearedAt === null || time(l) > buf.clearedAt);
  if (!fresh.length) return buf;
  const seen = new Set(buf.lines.map(key));
  const add: LogLine[] = [];
  for (const l of fresh) {
    const k = key(l);
    if (seen.has(k)) continue;
    seen.add(k);
    add.push(l);
  }
  if (!add.length) return buf;
  let lines = [...buf.lines, ...add];
  // Live lines usually arrive in order; sort only when one did not (stable: equal times keep arrival order).
  const last = buf.lines.length ? time(buf.lines[buf.lines.length - 1]) : -Infinity;
  if (add.some((l, i) => time(l) < (i === 0 ? last : time(add[i - 1])))) lines = lines.map((l, i) => [l, i] as const).sort((a, b) => time(a[0]) - time(b[0]) || a[1] - b[1]).map(([l]) => l);
  if (lines.length > cap) lines = lines.slice(lines.length - cap);
  return { ...buf, lines };
}

/** Clears the panel: hides every line up to the newest one seen (later fetches do not bring them back). */
export function clearLogs(buf: LogBuffer, now: number = Date.now()): LogBuffer {
  // The newest line's own (server) time, not the browser's clock, which may be skewed.
  const newest = buf.lines.length ? Math.max(...buf.lines.map(time)) : now;
  return { lines: [], clearedAt: Math.max(newest, buf.clearedAt ?? 0) };
}

/** A CSS class per level: error, warn, debug, else info. */
export function levelClass(level: string): string {
  const l = level.toLowerCase();
  if (l.startsWith('err') || l === 'fatal' || l === 'critical') return 'log-error';
  if (l.startsWith('warn')) return 'log-warn';
  if (l === 'debug' || l === 'trace') return 'log-debug';
  return 'log-info';
}

/** Whether a scroll container is at (or within `slack` px of) its bottom: then new lines auto-scroll. */
export function atBottom(el: { scrollTop: number; clientHeight: number; scrollHeight: number }, slack = 8): boolean {
  return el.scrollTop + el.clientHeight >= el.scrollHeight - slack;
}
