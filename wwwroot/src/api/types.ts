// Shapes of docs/api.md (camelCase JSON).
export type Role = 'owner' | 'admin' | 'editor' | 'viewer';

export interface Me {
  userId: string;
  email: string;
  role: Role;
  tenantId: string;
  tenantName: string;
}

export type FlowStatus = 'stopped' | 'starting' | 'running' | 'stopping' | 'error';

export interface LastRun {
  runId: string;
  status: string;
  startedAt: string;
}

export interface Flow {
  id: string;
  name: string;
  description: string;
  organismYaml: string;
  canvasState: unknown;
  status: FlowStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
  lastRun?: LastRun | null;
  reload?: unknown;
}

export interface FlowInput {
  name: string;
  description: string;
  organismYaml: string;
  canvasState: unknown;
}

export interface Problem {
  line: number;
  column: number;
  code: string;
  message: string;
}

export interface FlowStatusInfo {
  status: FlowStatus;
  error?: string | null;
  startedAt?: string | null;
  queueDepth?: number | null;
  /** Why a stopped flow was stopped by the system: over_plan_limit after a downgrade. */
  reason?: string | null;
}

export interface FlowTemplate {
  id: string;
  name: string;
  description: string;
  summary: string;
  organismYaml: string;
}

export interface TriggerInfo {
  name: string;
  type: string;
  target: string;
  payload: string;
  url?: string | null;
  nextFireTimes?: string[] | null;
  cron?: string | null;
  timezone?: string | null;
  missedPolicy?: string | null;
}

export interface StepError {
  code: string;
  message: string;
}

export interface Step {
  index: number;
  listener: string;
  from: string;
  to?: string | null;
  class: string;
  thread: string;
  startedAt: string;
  durationMs: number;
  payloadIn: unknown;
  payloadsOut: unknown[];
  fuel?: number | null;
  promptTokens?: number | null;
  completionTokens?: number | null;
  model?: string | null;
  costUsd?: number | null;
  error?: StepError | null;
}

export interface RunOutput {
  listener: string;
  class: string;
  payload: unknown;
  xml: string;
}

export interface RunSummary {
  runId: string;
  flowId: string;
  trigger: string;
  status: string;
  startedAt: string;
  durationMs?: number | null;
  stepCount: number;
  error?: StepError | string | null;
}

export interface Run {
  runId: string;
  flowId: string;
  trigger: string;
  status: string;
  startedAt: string;
  durationMs?: number | null;
  outputs: RunOutput[];
  steps: Step[];
  error?: StepError | string | null;
}

export interface RunPage {
  items: RunSummary[];
  nextBefore?: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt?: string | null;
}

export interface NewApiKey {
  id: string;
  name: string;
  prefix: string;
  key: string;
}

export interface SecretInfo {
  name: string;
  updatedAt: string;
}

/** `GET /api/usage`; the limits and the module/memory/member fields are optional (older servers lack them). */
export interface Usage {
  tier: string;
  flows: number;
  flowsLimit?: number | null;
  runsThisMonth: number;
  runsLimit?: number | null;
  modules?: number | null;
  modulesLimit?: number | null;
  memoryLimitBytes?: number | null;
  members?: number | null;
  membersLimit?: number | null;
  /** This month's metered usage (servers with metering). */
  meters?: UsageMonth | null;
  /** Webhooks held at 100% of runsLimit until the month's reset or an upgrade (R10). */
  held?: number | null;
  month?: string;
}

/** One usage ledger entry (`GET /api/usage/ledger`): delta +1 counted, -1 refunded. */
export interface UsageLedgerEntry {
  id: number;
  at: string;
  period: string;
  unit: string;
  delta: number;
  flowId?: string | null;
  runId: string;
  reason: string;
}

export interface UsageLedgerPage {
  items: UsageLedgerEntry[];
  nextCursor?: string | null;
}

/** One UTC month of metered usage (`GET /api/usage` meters, `GET /api/usage/history`). */
export interface UsageMonth {
  period: string;
  runs: number;
  steps: number;
  wasmFuel: number;
  llmPromptTokens: number;
  llmCompletionTokens: number;
  llmCostUsd: number;
  webhookBytesIn: number;
}

export type BillingStatus = 'none' | 'active' | 'trialing' | 'past_due' | 'canceled';

export interface BillingPlan {
  tier: string;
  price: string;
  metered: boolean;
  limits: { flows: number | null; executionsPerMonth: number | null; wasmModules: number | null; projectMemoryMb: number | null; teamMembers: number | null; keepAlive: boolean };
}

/** `GET /api/billing` (owner). */
export interface Billing {
  provider: 'none' | 'stripe';
  tier: string;
  status: BillingStatus;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  plans: BillingPlan[];
  planTier: string | null;
  graceEndsAt: string | null;
  hasCustomer: boolean;
}

export interface FlowVersionSummary {
  version: number;
  createdAt: string;
  createdBy?: string | null;
}

export interface FlowVersion {
  version: number;
  organismYaml: string;
  canvasState: unknown;
  createdAt: string;
}

export type ModuleKind = 'wasm' | 'wat' | 'assemblyscript';

/** One registered version of a WASM module (`GET /api/modules` lists every version). */
export interface WasmModule {
  id: string;
  name: string;
  version: string;
  kind: ModuleKind | string;
  size: number;
  createdAt: string;
  wit?: string | null;
  exports?: string[] | null;
  imports?: string[] | null;
}

export interface ModuleUpload {
  name: string;
  kind: ModuleKind;
  /** base64 for kind wasm, else the text. */
  content: string;
  wit?: string;
}

export interface BuildResult {
  ok: boolean;
  errors: { line: number; column: number; message: string }[];
}

export interface LogLine {
  at: string;
  level: string;
  message: string;
}

// Members, invites, tenants and the audit log (docs/api.md, Members and Audit log).

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: string;
  lastSeenAt: string | null;
}

export interface Invite {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  invitedBy: string;
}

export interface CreatedInvite {
  id: string;
  email: string;
  role: Role;
  url: string;
  token: string;
  expiresAt: string;
}

export interface TenantInfo {
  tenantId: string;
  name: string;
  role: Role;
  current: boolean;
}

export interface AuditItem {
  at: string;
  actor: { userId: string | null; email: string | null; via: 'session' | 'apikey' | 'sso' | 'cli' };
  action: string;
  target: string | null;
  detail: string | null;
  ip: string | null;
}

export interface AuditPage {
  items: AuditItem[];
  nextBefore: string | null;
}

/** `GET /api/alerts`: one rule on one flow (flowId null: the process-wide memory alert). */
export interface Alert {
  id: string;
  rule: 'pump_crash' | 'error_rate' | 'memory_pressure' | 'stuck_flow' | string;
  flowId: string | null;
  state: 'firing' | 'resolved';
  since: string;
  resolvedAt: string | null;
  detail: string;
}

/** `/api/alerts/channels/{name}`. */
export interface AlertChannel {
  name: string;
  type: 'webhook' | 'slack' | 'email';
  url?: string | null;
  secretName?: string | null;
  to?: string | null;
}

/** `GET /api/alerts/deliveries`. */
export interface AlertDelivery {
  id: string;
  alertId: string;
  channel: string;
  state: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAt: string;
  lastError: string | null;
  deliveredAt: string | null;
}

/** `GET /api/sla`: numbers over the window; durations in ms; successRate 0..1 (null without finished runs). */
export interface SlaNumbers {
  runs: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  errors: { code: string; count: number }[];
  runningMinutes: number;
  uptimePercent: number;
}

export interface SlaReport {
  window: '1h' | '24h' | '7d' | '30d';
  from: string;
  to: string;
  tenant: SlaNumbers;
  flows: { flowId: string; numbers: SlaNumbers }[];
  alerts: Alert[];
}

// ---- Marketplace (docs/api.md#marketplace) ----
export interface ListingSummary {
  id: string; kind: 'tool' | 'flow'; version: string; displayName: string; summary: string; categories: string[];
  publisher: string; reviewLevel: string; installs: number; votesUp: number; votesDown: number; updatedAt: string;
}
export interface ListingPage { items: ListingSummary[]; nextCursor?: string | null }
export interface ToolPermissions {
  log?: boolean; kv?: { maxBytes: number } | null; http?: { hosts: string[]; methods?: string[] | null } | null;
  secrets?: { name: string; hosts: string[]; purpose?: string | null }[] | null;
  limits?: { fuelPerCall?: number | null; memoryMib?: number | null; timeoutMs?: number | null } | null;
}
export interface TemplateInput { id: string; type?: string | null; label?: string | null; default?: string | null; required?: boolean; pattern?: string | null; values?: string[] | null }
export interface ListingDetail extends ListingSummary {
  name: string; visibility: string; versions: { version: string; state: string; digest: string; createdAt: string }[];
  permissions?: ToolPermissions | null; permissionSummary: string[]; readmeHtml: string;
  secrets: { name: string; purpose?: string | null; hosts: string[] }[]; inputs: TemplateInput[]; tools: string[];
  reviews: { id: string; up: boolean; text?: string | null; createdAt: string; mine?: boolean; held?: boolean; hidden?: boolean; reply?: string | null; repliedAt?: string | null }[];
  installId?: string | null; signatureValid: boolean;
}
/** `GET /api/marketplace/{tools|flows}/{publisher}/{name}/versions/{version}`. */
export interface VersionDetail {
  id: string; kind: string; version: string; state: string; reviewLevel: string; digest: string; createdAt: string; publishedAt?: string | null;
  permissions?: ToolPermissions | null; permissionSummary: string[]; inputs: TemplateInput[]; secrets: string[]; tools: string[]; statement: string;
  signatures: { role: 'publisher' | 'registry' | string; keyId: string; signature: string; keyKind?: string | null; document?: string | null }[];
  rollout?: { state: 'first' | 'complete' | 'halted' | string; startedAt: string; restAfter?: string | null; detail?: string | null } | null;
}
/** `GET /api/marketplace/publisher/keys`: the publisher's own signing keys. */
export interface PublisherKey { keyId: string; publicKey: string; name: string; createdAt: string; revokedAt?: string | null }
export interface SubmissionCheck { name: string; ok: boolean; detail?: string | null }
/** `GET /api/marketplace/submissions/{id}`; `sanitizedYaml` is the template as published (flows). */
export interface Submission { id: string; state: 'queued' | 'published' | 'rejected' | string; checks: SubmissionCheck[]; listingId?: string | null; version?: string | null; sanitizedYaml?: string | null }
/** `POST /api/marketplace/publish` (JSON form). */
export interface PublishRequest {
  kind: 'tool' | 'flow'; moduleId?: string; flowId?: string; name: string; version: string; displayName?: string; summary: string; readme?: string;
  categories: string[]; permissions?: ToolPermissions; inputs?: TemplateInput[]; visibility: 'public' | 'private';
}
export interface MarketplaceInstall {
  id: string; listingId: string; kind: string; version: string; major: string; digest: string; module: string;
  permissionSummary: string[]; pendingVersion?: string | null; previousVersion?: string | null;
}

/** `GET /api/auth/sso`: a login page button. */
export interface SsoProviderInfo {
  name: string;
  displayName: string;
  kind: 'oidc' | 'saml';
  loginUrl: string;
}

/** A provider on Settings → Single sign-on (`source` config = the operator's nextra.toml, read-only). */
export interface SsoProviderView {
  name: string;
  kind: 'oidc' | 'saml';
  displayName: string;
  source: 'config' | 'tenant';
  loginUrl: string;
  callbackUrl?: string | null;
  authority?: string | null;
  clientId?: string | null;
  hasClientSecret: boolean;
  scopes: string[];
  emailClaim?: string | null;
  groupsClaim?: string | null;
  autoProvision: boolean;
  defaultRole: string;
  groupRoles: Record<string, string>;
  idpEntityId?: string | null;
  idpSsoUrl?: string | null;
  hasIdpCertificate: boolean;
  metadataUrl?: string | null;
  acsUrl?: string | null;
}

export interface SsoSettings {
  ssoRequired: boolean;
  providers: SsoProviderView[];
}

/** `PUT /api/sso/providers/{name}`; clientSecret undefined keeps the stored one. */
export interface SsoProviderInput {
  kind: 'oidc' | 'saml';
  displayName?: string;
  authority?: string;
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
  autoProvision?: boolean;
  defaultRole?: string;
  groupRoles?: Record<string, string>;
  idpEntityId?: string;
  idpSsoUrl?: string;
  idpCertificate?: string;
}

/** GET /api/marketplace/template-flows[/{flowId}]: a flow made from a template; incomplete while a secret it uses does not exist. */
export interface TemplateFlowSetup {
  flowId: string;
  template: { id: string; version: string; digest: string; inputs: Record<string, string> };
  secrets: { name: string; used: boolean; bound: boolean }[];
  setupComplete: boolean;
  unboundSecrets: string[];
}

/** POST /api/marketplace/flows/{publisher}/{name}/use → 201: the flow with its template and what is still unbound. */
export interface UsedTemplateFlow extends Flow {
  template: TemplateFlowSetup['template'];
  setupComplete: boolean;
  unboundSecrets: string[];
}

/** GET /api/marketplace/publisher/stats. */
export interface PublisherStats {
  handle: string;
  listings: { id: string; kind: 'tool' | 'flow'; version?: string | null; visibility: string; installs: number; votesUp: number; votesDown: number; activeTenants30d: number; reports: number }[];
}
