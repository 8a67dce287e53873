// The one typed client of docs/api.md: fetch with cookies, the double-submit CSRF header on
// unsafe methods, and ProblemDetails turned into ApiError for the UI to show.
import type {
  Alert, AlertChannel, AlertDelivery, ApiKey, AuditPage, Billing, BuildResult, CreatedInvite, Flow, FlowInput, FlowStatusInfo,
  FlowTemplate, FlowVersion, FlowVersionSummary, Invite, ListingDetail, ListingPage, LogLine, MarketplaceInstall, Me, PublishRequest, Submission, Member, ModuleUpload,
  NewApiKey, Problem, Run, RunPage, SecretInfo, SlaReport, SsoProviderInfo, SsoProviderInput, SsoProviderView, SsoSettings, TenantInfo,
  TriggerInfo, Usage, UsageLedgerPage, UsageMonth, WasmModule, TemplateFlowSetup, UsedTemplateFlow, PublisherStats, VersionDetail, PublisherKey,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string | undefined,
    readonly errors: Problem[] = [],
    /** The other ProblemDetails members (e.g. `flows` of `module_in_use`). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

export interface ApiDeps {
  fetch: typeof fetch;
  /** The document's cookie string (for `nextra_csrf`). */
  cookies: () => string;
  base?: string;
  /** Called on 401 so the app can send the user to the login page. */
  onUnauthorized?: () => void;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function readCookie(cookies: string, name: string): string | null {
  for (const part of cookies.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> | null = null;
  try {
    const text = await res.text();
    body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    body = null;
  }
  const title = typeof body?.title === 'string' ? body.title : res.statusText || `HTTP ${res.status}`;
  const code = typeof body?.code === 'string' ? body.code : `http_${res.status}`;
  const detail = typeof body?.detail === 'string' ? body.detail : undefined;
  const errors = Array.isArray(body?.errors) ? (body!.errors as Problem[]) : [];
  return new ApiError(res.status, code, title, detail, errors, body ?? {});
}

export function createApi(deps: ApiDeps) {
  const base = deps.base ?? '';

  async function raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { Accept: 'application/json', ...headers };
    let payload: BodyInit | undefined;
    if (body !== undefined) {
      if (typeof body === 'string' && h['Content-Type']) payload = body;
      else {
        h['Content-Type'] = 'application/json';
        payload = JSON.stringify(body);
      }
    }
    if (UNSAFE.has(method)) {
      const csrf = readCookie(deps.cookies(), 'nextra_csrf');
      if (csrf) h['X-Nextra-Csrf'] = csrf;
    }
    const res = await deps.fetch(base + path, { method, headers: h, body: payload, credentials: 'same-origin' });
    if (!res.ok) {
      const err = await toApiError(res);
      // A wrong password is not a lost session: only other 401s send the person to the login page.
      if (res.status === 401 && deps.onUnauthorized && !path.startsWith('/api/auth/login') && !path.startsWith('/api/setup') && !path.startsWith('/api/invites/accept')) deps.onUnauthorized();
      throw err;
    }
    return res;
  }

  async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await raw(method, path, body);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const enc = encodeURIComponent;
  return {
    setupNeeded: () => json<{ needed: boolean }>('GET', '/api/setup'),
    setup: (b: { token: string; email: string; password: string; tenantName?: string }) => json<Me>('POST', '/api/setup', b),
    login: (email: string, password: string) => json<Me>('POST', '/api/auth/login', { email, password }),
    logout: () => json<void>('POST', '/api/auth/logout'),
    me: () => json<Me>('GET', '/api/auth/me'),
    changePassword: (currentPassword: string, newPassword: string) => json<void>('POST', '/api/auth/password', { currentPassword, newPassword }),
    apiKeys: () => json<ApiKey[]>('GET', '/api/apikeys'),
    createApiKey: (name: string) => json<NewApiKey>('POST', '/api/apikeys', { name }),
    revokeApiKey: (id: string) => json<void>('DELETE', `/api/apikeys/${enc(id)}`),

    members: () => json<Member[]>('GET', '/api/members'),
    invites: () => json<Invite[]>('GET', '/api/members/invites'),
    invite: (email: string, role: string) => json<CreatedInvite>('POST', '/api/members/invites', { email, role }),
    revokeInvite: (id: string) => json<void>('DELETE', `/api/members/invites/${enc(id)}`),
    setRole: (userId: string, role: string) => json<Member>('PUT', `/api/members/${enc(userId)}`, { role }),
    removeMember: (userId: string) => json<void>('DELETE', `/api/members/${enc(userId)}`),
    transferOwnership: (userId: string) => json<void>('POST', '/api/members/transfer-ownership', { userId }),
    acceptInvite: (b: { token: string; password?: string; name?: string }) => json<Me>('POST', '/api/invites/accept', b),
    tenants: () => json<TenantInfo[]>('GET', '/api/tenants'),
    switchTenant: (tenantId: string) => json<Me>('POST', '/api/auth/switch', { tenantId }),
    audit: (q: { before?: string; limit?: number; action?: string } = {}) => {
      const qs = new URLSearchParams();
      if (q.before) qs.set('before', q.before);
      if (q.limit) qs.set('limit', String(q.limit));
      if (q.action) qs.set('action', q.action);
      const s = qs.toString();
      return json<AuditPage>('GET', `/api/audit${s ? `?${s}` : ''}`);
    },

    flows: () => json<Flow[]>('GET', '/api/flows'),
    flow: (id: string) => json<Flow>('GET', `/api/flows/${enc(id)}`),
    createFlow: (f: FlowInput) => json<Flow>('POST', '/api/flows', f),
    saveFlow: (id: string, f: FlowInput) => json<Flow>('PUT', `/api/flows/${enc(id)}`, f),
    deleteFlow: (id: string) => json<void>('DELETE', `/api/flows/${enc(id)}`),
    validate: (organismYaml: string) => json<{ problems: Problem[]; warnings?: Problem[] }>('POST', '/api/flows/validate', { organismYaml }),
    importFlow: async (yamlText: string) => (await raw('POST', '/api/flows/import', yamlText, { 'Content-Type': 'text/yaml' })).json() as Promise<Flow>,
    exportUrl: (id: string) => `${base}/api/flows/${enc(id)}/export`,
    versions: (id: string) => json<FlowVersionSummary[]>('GET', `/api/flows/${enc(id)}/versions`),
    version: (id: string, n: number) => json<FlowVersion>('GET', `/api/flows/${enc(id)}/versions/${n}`),
    restoreVersion: (id: string, n: number) => json<Flow>('POST', `/api/flows/${enc(id)}/versions/${n}/restore`),

    start: (id: string) => json<FlowStatusInfo>('POST', `/api/flows/${enc(id)}/start`),
    stop: (id: string) => json<FlowStatusInfo>('POST', `/api/flows/${enc(id)}/stop`),
    status: (id: string) => json<FlowStatusInfo>('GET', `/api/flows/${enc(id)}/status`),
    logs: (id: string) => json<LogLine[]>('GET', `/api/flows/${enc(id)}/logs`),
    templates: () => json<FlowTemplate[]>('GET', '/api/templates'),
    triggers: (id: string) => json<TriggerInfo[]>('GET', `/api/flows/${enc(id)}/triggers`),
    rotateTrigger: (id: string, name: string) => json<{ url: string }>('POST', `/api/flows/${enc(id)}/triggers/${enc(name)}/rotate`),
    inject: (flowId: string, b: { payload: unknown; target?: string; payloadClass?: string }) =>
      json<{ runId: string }>('POST', `/api/triggers/${enc(flowId)}/inject`, b),
    runs: (flowId: string, q: { status?: string; before?: string; limit?: number } = {}) => {
      const qs = new URLSearchParams();
      if (q.status) qs.set('status', q.status);
      if (q.before) qs.set('before', q.before);
      if (q.limit) qs.set('limit', String(q.limit));
      const s = qs.toString();
      return json<RunPage>('GET', `/api/flows/${enc(flowId)}/runs${s ? `?${s}` : ''}`);
    },
    run: (runId: string) => json<Run>('GET', `/api/runs/${enc(runId)}`),
    replayRun: (runId: string) => json<{ runId: string }>('POST', `/api/runs/${enc(runId)}/replay`),
    /** Replays step n with its recorded input, or with `payload` (a JSON object or an XML string) instead. */
    replayStep: (runId: string, n: number, payload?: unknown) =>
      json<{ runId: string }>('POST', `/api/runs/${enc(runId)}/steps/${n}/replay`, payload === undefined ? undefined : { payload }),
    cancelRun: (runId: string) => json<void>('POST', `/api/runs/${enc(runId)}/cancel`),

    alerts: (q: { state?: 'firing' | 'resolved'; flowId?: string } = {}) => {
      const qs = new URLSearchParams();
      if (q.state) qs.set('state', q.state);
      if (q.flowId) qs.set('flowId', q.flowId);
      const s = qs.toString();
      return json<Alert[]>('GET', `/api/alerts${s ? `?${s}` : ''}`);
    },
    alertChannels: () => json<AlertChannel[]>('GET', '/api/alerts/channels'),
    putAlertChannel: (c: AlertChannel) => json<AlertChannel>('PUT', `/api/alerts/channels/${enc(c.name)}`,
      { type: c.type, url: c.url || undefined, secretName: c.secretName || undefined, to: c.to || undefined }),
    deleteAlertChannel: (name: string) => json<void>('DELETE', `/api/alerts/channels/${enc(name)}`),
    alertDeliveries: () => json<AlertDelivery[]>('GET', '/api/alerts/deliveries'),
    sla: (window: SlaReport['window']) => json<SlaReport>('GET', `/api/sla?window=${enc(window)}`),

    secrets: () => json<SecretInfo[]>('GET', '/api/secrets'),
    setSecret: (name: string, value: string) => json<void>('PUT', `/api/secrets/${enc(name)}`, { value }),
    deleteSecret: (name: string) => json<void>('DELETE', `/api/secrets/${enc(name)}`),
    ssoProviders: () => json<SsoProviderInfo[]>('GET', '/api/auth/sso'),
    ssoSettings: () => json<SsoSettings>('GET', '/api/sso'),
    setSsoRequired: (ssoRequired: boolean) => json<SsoSettings>('PUT', '/api/sso/settings', { ssoRequired }),
    putSsoProvider: (name: string, p: SsoProviderInput) => json<SsoProviderView>('PUT', `/api/sso/providers/${enc(name)}`, p),
    deleteSsoProvider: (name: string) => json<void>('DELETE', `/api/sso/providers/${enc(name)}`),
    modules: () => json<WasmModule[]>('GET', '/api/modules'),
    uploadModule: (m: ModuleUpload) => json<WasmModule>('POST', '/api/modules', m),
    deleteModule: (id: string) => json<void>('DELETE', `/api/modules/${enc(id)}`),
    buildModule: (source: string) => json<BuildResult>('POST', '/api/modules/build', { source }),
    /** The SDK typings, or null when the server has none (404). */
    sdkTypings: async (): Promise<string | null> => {
      try {
        return await (await raw('GET', '/api/sdk/nextra.d.ts', undefined, { Accept: 'text/plain' })).text();
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    marketplace: (kind: 'tools' | 'flows', q: { q?: string; category?: string; sort?: string; cursor?: string; review?: string; network?: string; installed?: string } = {}) => {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) if (v) qs.set(k, v);
      const s = qs.toString();
      return json<ListingPage>('GET', `/api/marketplace/${kind}${s ? `?${s}` : ''}`);
    },
    listing: (kind: 'tools' | 'flows', id: string) => json<ListingDetail>('GET', `/api/marketplace/${kind}/${id.split('/').map(enc).join('/')}`),
    installs: () => json<MarketplaceInstall[]>('GET', '/api/marketplace/installs'),
    install: (id: string, version?: string, secretBindings?: Record<string, string>) =>
      json<MarketplaceInstall>('POST', '/api/marketplace/installs', { id, version, acceptPermissions: true, secretBindings }),
    useTemplate: (id: string, b: { name?: string; inputs: Record<string, string>; secretBindings?: Record<string, string> }) =>
      json<UsedTemplateFlow>('POST', `/api/marketplace/flows/${id.split('/').map(enc).join('/')}/use`, b),
    templateFlows: () => json<TemplateFlowSetup[]>('GET', '/api/marketplace/template-flows'),
    templateFlow: (flowId: string) => json<TemplateFlowSetup>('GET', `/api/marketplace/template-flows/${enc(flowId)}`),
    report: (kind: 'tools' | 'flows', id: string, reason: string, text?: string) =>
      json<{ listingId: string; reason: string; state: string }>('POST', `/api/marketplace/${kind}/${id.split('/').map(enc).join('/')}/reports`, { reason, text }),
    publisherStats: () => json<PublisherStats>('GET', '/api/marketplace/publisher/stats'),
    vote: (kind: 'tools' | 'flows', id: string, up: boolean, text?: string) =>
      json<{ votesUp: number; votesDown: number; reviewId?: string; held?: boolean; countsFrom?: string | null }>('POST', `/api/marketplace/${kind}/${id.split('/').map(enc).join('/')}/votes`, { up, text }),
    reportReview: (kind: 'tools' | 'flows', id: string, reviewId: string, reason: string, text?: string) =>
      json<{ reviewId: string; reason: string; state: string; hidden: boolean }>('POST',
        `/api/marketplace/${kind}/${id.split('/').map(enc).join('/')}/reviews/${enc(reviewId)}/reports`, { reason, text }),
    listingVersion: (kind: 'tools' | 'flows', id: string, version: string) =>
      json<VersionDetail>('GET', `/api/marketplace/${kind}/${id.split('/').map(enc).join('/')}/versions/${enc(version)}`),
    replyToReview: (kind: 'tools' | 'flows', id: string, reviewId: string, text: string) =>
      json<{ reviewId: string; reply: string; repliedAt: string }>('POST',
        `/api/marketplace/${kind}/${id.split('/').map(enc).join('/')}/reviews/${enc(reviewId)}/reply`, { text }),
    publisher: () => json<{ handle: string; published: boolean; keyId: string; publicKey: string }>('GET', '/api/marketplace/publisher'),
    publisherKeys: () => json<PublisherKey[]>('GET', '/api/marketplace/publisher/keys'),
    registerPublisherKey: (publicKey: string, name?: string) => json<PublisherKey>('POST', '/api/marketplace/publisher/keys', { publicKey, name }),
    revokePublisherKey: (keyId: string) => json<void>('DELETE', `/api/marketplace/publisher/keys/${enc(keyId)}`),
    publish: (b: PublishRequest) => json<{ submissionId: string }>('POST', '/api/marketplace/publish', b),
    submission: (id: string) => json<Submission>('GET', `/api/marketplace/submissions/${enc(id)}`),
    billing: () => json<Billing>('GET', '/api/billing'),
    billingCheckout: (tier: string) => json<{ url: string }>('POST', '/api/billing/checkout', { tier }),
    billingPortal: () => json<{ url: string }>('POST', '/api/billing/portal', {}),
    usageLedger: (cursor?: string | null, limit = 50) =>
      json<UsageLedgerPage>('GET', `/api/usage/ledger?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`),
    usageHistory: (months = 12) => json<UsageMonth[]>('GET', `/api/usage/history?months=${months}`),
    /** The tenant's usage, or null when the server has no usage endpoint (404). */
    usage: async (): Promise<Usage | null> => {
      try {
        const u = await json<Usage>('GET', '/api/usage');
        return u && typeof u === 'object' && typeof u.tier === 'string' ? u : null;
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
        throw e;
      }
    },
  };
}

export type Api = ReturnType<typeof createApi>;

let unauthorizedHandler: (() => void) | undefined;
export function onUnauthorized(f: () => void) {
  unauthorizedHandler = f;
}

/** The app's instance, bound to the browser. */
export const api: Api = createApi({
  fetch: (...a) => fetch(...a),
  cookies: () => (typeof document === 'undefined' ? '' : document.cookie),
  onUnauthorized: () => unauthorizedHandler?.(),
});

/** A refusal because the tenant's plan limit is reached (its detail says what to do). */
export function isQuota(e: unknown): boolean {
  return e instanceof ApiError && e.code === 'quota_exceeded';
}

/** A message for a person from any thrown value. */
export function errorMessage(e: unknown): string {
  // A quota refusal's detail says what to do (upgrade, delete something); show it alone.
  if (e instanceof ApiError && e.code === 'quota_exceeded') return e.detail ?? e.title;
  if (e instanceof ApiError) return e.errors.length ? `${e.message} (${e.errors.map((x) => `line ${x.line}: ${x.message}`).join('; ')})` : e.message;
  return e instanceof Error ? e.message : String(e);
}
