import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Flow, FlowStatus, LogLine } from '../../api/types';
import { useHub } from '../../live/hub';

/**
 * The flow's live status (and, when it is `error`, the reason) plus its log lines, over SignalR
 * (`WatchFlow`: `FlowStatus`, `Log`); a slow poll of the status covers a hub that cannot connect.
 */
export function useFlowStatus(flow: Flow, onLog: (line: LogLine) => void) {
  const [status, setStatus] = useState<FlowStatus>(flow.status);
  const [statusError, setStatusError] = useState<string | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  useHub('WatchFlow', flow.id, {
    FlowStatus: (id: string, st: FlowStatus, err?: string | null) => {
      if (id !== flow.id) return;
      setStatus(st);
      setStatusError(st === 'error' ? err ?? null : null);
      if (st === 'stopped') api.status(flow.id).then((s) => setReason(s.reason ?? null), () => {});
      else setReason(null);
    },
    Log: (id: string, line: LogLine) => id === flow.id && onLog(line),
  });
  useEffect(() => {
    const poll = () => api.status(flow.id).then((s) => {
      setStatus(s.status);
      setStatusError(s.status === 'error' ? s.error ?? null : null);
      setReason(s.status === 'stopped' ? s.reason ?? null : null);
    }, () => {});
    if (flow.status === 'error' || flow.status === 'stopped') void poll(); // the flow itself does not carry the reason
    const t = setInterval(poll, 10000);
    return () => clearInterval(t);
  }, [flow.id, flow.status]);
  return { status, setStatus, statusError, reason };
}
