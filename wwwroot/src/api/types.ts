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
