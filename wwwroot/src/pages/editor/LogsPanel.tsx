import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { LogLine } from '../../api/types';
import { ArrowDownIcon } from '../../components/icons';
import { atBottom, clearLogs, emptyLogs, levelClass, mergeLogs, type LogBuffer } from './logBuffer';

/**
 * The flow's log lines for the Logs panel: the server's recent lines, then live `Log` hub events
 * (fed in through `onLive`). A slow poll while the panel is open covers a hub that cannot connect.
 */
export function useFlowLogs(flowId: string, open: boolean) {
  const [buf, setBuf] = useState<LogBuffer>(emptyLogs);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    const load = () => api.logs(flowId).then(
      (lines) => {
        if (!live) return;
        setError(null);
        setBuf((b) => mergeLogs(b, lines));
      },
      (e) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    void load();
    const t = setInterval(load, 5000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [flowId, open]);
  const onLive = useCallback((line: LogLine) => setBuf((b) => mergeLogs(b, [line])), []);
  const clear = useCallback(() => setBuf((b) => clearLogs(b)), []);
  return { lines: buf.lines, cleared: buf.clearedAt !== null, error, onLive, clear };
}

const timeOf = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString(undefined, { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
};

interface Props {
  lines: LogLine[];
  cleared: boolean;
  error: string | null;
  onClear: () => void;
  onClose: () => void;
}

/** Log lines coloured by level; follows new lines until the person scrolls up, resumes at the bottom. */
export function LogsPanel({ lines, cleared, error, onClear, onClose }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [lines, follow]);
  return (
    <section className="logs-panel" data-testid="logs-panel">
      <div className="logs-head">
        <strong>Logs</strong>
        <span className="muted small">{lines.length} line(s){follow ? '' : ' · paused (scrolled up)'}</span>
        <span className="spacer" />
        {!follow && <button className="link" onClick={() => setFollow(true)} data-testid="logs-follow"><ArrowDownIcon size={12} /> Follow</button>}
        <button onClick={onClear} data-testid="logs-clear">Clear</button>
        <button onClick={onClose} title="Close the logs">×</button>
      </div>
      {error && <div className="error-text">{error}</div>}
      <div className="logs-lines" ref={box} onScroll={(e) => setFollow(atBottom(e.currentTarget))} data-testid="logs-lines">
        {lines.length === 0 && <div className="muted small">{cleared ? 'Cleared; new lines appear here.' : 'No log lines yet. Start or run the flow to see its log.'}</div>}
        {lines.map((l, i) => (
          <div key={i} className={`log-line ${levelClass(l.level)}`} data-testid="log-line">
            <span className="log-time">{timeOf(l.at)}</span>
            <span className="log-level">{l.level}</span>
            <span className="log-msg">{l.message}</span>
          </div>
        ))}
      </div>
    </section>
  );
}
