// Small pure formatting helpers shared by pages.
export function ago(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const s = Math.round((now - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60000)}m ${Math.round((ms % 60000) / 1000)}s`;
}

/** "12 / 100" or "12 / ∞", with a 0..1 fraction for a bar (0 when unlimited). */
export function usageOf(used: number, limit: number | null | undefined): { text: string; fraction: number } {
  if (!limit || limit <= 0) return { text: `${used} / ∞`, fraction: 0 };
  return { text: `${used} / ${limit}`, fraction: Math.min(1, used / limit) };
}

export function errorText(e: unknown): string {
  if (!e) return '';
  if (typeof e === 'string') return e;
  if (typeof e === 'object' && e !== null && 'message' in e) {
    const o = e as { code?: string; message: string };
    return o.code ? `${o.code}: ${o.message}` : o.message;
  }
  return String(e);
}

export function pretty(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v, null, 2);
}

export interface UsageItem {
  label: string;
  text: string;
  /** 0..1 of the limit (0 when unlimited); ≥ 0.9 shows as nearly full. */
  fraction: number;
  limited: boolean;
}

/**
 * The usage badge's items from `GET /api/usage`: runs and flows always, modules, members and
 * the memory limit only when the server sends them (older servers do not).
 */
/** What the usage badge shows: an unlimited quota (the default self-hosted tier) is not worth the space. */
export function shownUsage(items: UsageItem[]): UsageItem[] {
  return items.filter((i) => i.limited || !i.text.endsWith('/ ∞'));
}

export function usageItems(u: {
  flows: number; flowsLimit?: number | null; runsThisMonth: number; runsLimit?: number | null;
  modules?: number | null; modulesLimit?: number | null; members?: number | null; membersLimit?: number | null; memoryLimitBytes?: number | null;
}): UsageItem[] {
  const item = (label: string, used: number, limit: number | null | undefined): UsageItem => ({ label, ...usageOf(used, limit), limited: !!limit && limit > 0 });
  const out = [item('Runs this month', u.runsThisMonth ?? 0, u.runsLimit), item('Flows', u.flows ?? 0, u.flowsLimit)];
  if (typeof u.modules === 'number') out.push(item('Modules', u.modules, u.modulesLimit));
  if (typeof u.members === 'number') out.push(item('Members', u.members, u.membersLimit));
  if (typeof u.memoryLimitBytes === 'number' && u.memoryLimitBytes > 0) {
    const mb = u.memoryLimitBytes / (1024 * 1024);
    out.push({ label: 'Memory per flow', text: mb >= 1 ? `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MiB` : `${Math.round(u.memoryLimitBytes / 1024)} KiB`, fraction: 0, limited: false });
  }
  return out;
}

/** What a flow stopped by a downgrade says (status reason over_plan_limit). */
export const OVER_PLAN_TEXT = 'stopped: over plan limit — upgrade or stop other flows';
