// One SignalR connection to /hubs/events (docs/api.md), shared by pages, reconnecting.
import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from '@microsoft/signalr';
import { useEffect, useRef } from 'react';

let conn: HubConnection | null = null;

/**
 * Every method the server calls (IEventsClient.cs). Each gets a no-op handler on the shared
 * connection, so an event no page listens to right now (RunUpdated on the editor, say) is ignored
 * quietly instead of logging "No client method with the name 'runupdated'".
 */
export const serverMethods = ['RunUpdated', 'StepUpdated', 'Token', 'FlowStatus', 'Log'] as const;
const ignore = () => {};
let starting: Promise<HubConnection> | null = null;

export function hub(): Promise<HubConnection> {
  if (conn && conn.state === HubConnectionState.Connected) return Promise.resolve(conn);
  if (starting) return starting;
  if (!conn) {
    conn = new HubConnectionBuilder().withUrl('/hubs/events').withAutomaticReconnect().configureLogging(LogLevel.Warning).build();
    for (const m of serverMethods) conn.on(m, ignore);
  }
  const c = conn;
  starting = c.start().then(
    () => {
      starting = null;
      return c;
    },
    (e) => {
      starting = null;
      throw e;
    },
  );
  return starting;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handlers = Record<string, (...args: any[]) => void>;

/**
 * Subscribes while mounted: calls `watch` (e.g. WatchRun) with `arg`, registers the client
 * methods, and undoes both on unmount. Returns nothing; failures leave the page to its polling.
 */
export function useHub(watch: string, arg: string | undefined, handlers: Handlers) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!arg) return;
    let live = true;
    const names = Object.keys(ref.current);
    const bound = names.map((n) => [n, (...a: unknown[]) => ref.current[n]?.(...a)] as const);
    let c: HubConnection | null = null;
    hub().then(
      (h) => {
        if (!live) return;
        c = h;
        for (const [n, f] of bound) h.on(n, f);
        if (watch) h.invoke(watch, arg).catch(() => {});
      },
      () => {},
    );
    return () => {
      live = false;
      if (!c) return;
      for (const [n, f] of bound) c.off(n, f);
      if (watch) c.invoke(unwatchName(watch), arg).catch(() => {});
    };
  }, [watch, arg]);
}

/** `WatchRun` → `UnwatchRun` (docs/api.md: `Unwatch…`). */
export function unwatchName(watch: string): string {
  return watch.replace(/^Watch/, 'Unwatch');
}

/** Tenant-wide events (every connection is in its tenant's group, e.g. `FlowStatus`): no watch call. */
export function useTenantEvents(handlers: Handlers) {
  useHub('', 'tenant', handlers);
}
