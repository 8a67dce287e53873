import { describe, expect, it } from 'vitest';
import { ApiError, createApi, errorMessage, isQuota } from '../api/client';
import { shownUsage, usageItems } from './format';

describe('usage badge', () => {
  it('UsageItems_BaseShape_RunsAndFlowsOnly', () => {
    const items = usageItems({ flows: 3, flowsLimit: 10, runsThisMonth: 50, runsLimit: null });
    expect(items.map((i) => [i.label, i.text, i.limited])).toEqual([['Runs this month', '50 / ∞', false], ['Flows', '3 / 10', true]]);
    expect(items[1].fraction).toBeCloseTo(0.3);
  });

  it('UsageItems_ExtraFields_ShownWhenPresent', () => {
    const items = usageItems({ flows: 1, runsThisMonth: 0, modules: 2, modulesLimit: 5, members: 1, membersLimit: 3, memoryLimitBytes: 8 * 1024 * 1024 });
    expect(items.map((i) => `${i.label}: ${i.text}`)).toEqual(['Runs this month: 0 / ∞', 'Flows: 1 / ∞', 'Modules: 2 / 5', 'Members: 1 / 3', 'Memory per flow: 8 MiB']);
  });

  it('ShownUsage_UnlimitedQuotas_Hidden', () => {
    const unlimited = usageItems({ flows: 3, flowsLimit: null, runsThisMonth: 50, runsLimit: null });
    expect(shownUsage(unlimited)).toEqual([]);
    const mixed = usageItems({ flows: 3, flowsLimit: 10, runsThisMonth: 50, runsLimit: null, memoryLimitBytes: 8 * 1024 * 1024 });
    expect(shownUsage(mixed).map((i) => i.label)).toEqual(['Flows', 'Memory per flow']);
  });

  it('UsageEndpoint_Missing_Null', async () => {
    const api = createApi({ fetch: (async () => new Response(JSON.stringify({ status: 404, code: 'not_found', title: 'Not found' }), { status: 404 })) as unknown as typeof fetch, cookies: () => '' });
    expect(await api.usage()).toBeNull();
  });

  it('UsageEndpoint_HtmlFallback_Null', async () => {
    const api = createApi({ fetch: (async () => new Response(JSON.stringify('<html>'), { status: 200 })) as unknown as typeof fetch, cookies: () => '' });
    expect(await api.usage()).toBeNull();
  });

  it('QuotaExceeded_Problem_DetailAloneAsMessage', () => {
    const e = new ApiError(402, 'quota_exceeded', 'Quota exceeded', 'The free tier allows 3 flows; delete one or upgrade.', [], {});
    expect(isQuota(e)).toBe(true);
    expect(errorMessage(e)).toBe('The free tier allows 3 flows; delete one or upgrade.');
    expect(isQuota(new ApiError(409, 'conflict', 'Conflict', undefined))).toBe(false);
  });

  it('ModuleInUse_Problem_KeepsFlowsExtension', async () => {
    const body = { status: 409, title: 'Module in use', code: 'module_in_use', detail: 'Module echo@1 is used by: a, b.', flows: ['a', 'b'] };
    const api = createApi({ fetch: (async () => new Response(JSON.stringify(body), { status: 409 })) as unknown as typeof fetch, cookies: () => '' });
    const err = await api.deleteModule('m1').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.extensions.flows).toEqual(['a', 'b']);
  });
});
