// Reads the flow model the canvas needs out of a parsed organism.yaml (DESIGN.md §2).
// The YAML Document is the single source of truth; this model is derived and never edited.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export type HandlerKind = 'llm' | 'http' | 'code' | 'branch' | 'output' | 'fanout' | 'join' | 'map' | 'sequence' | 'dotnet' | string;

export interface BranchCase {
  when: string;
  to: string;
}

export interface ListenerModel {
  name: string;
  index: number;
  handler: HandlerKind;
  description: string;
  payloadClass: string;
  peers: string[];
  prompt?: string;
  agent: boolean;
  config: Record<string, unknown> | null;
  cases: BranchCase[];
  elseTo?: string;
  /** `config.fanout`: listeners it sends to at once (the pump's key; any kind may have it). */
  fanout: string[];
  /** A map's `config.to`: the listener each item goes to. */
  mapTo?: string;
  /** A sequence's `config.steps`, in order. */
  steps: string[];
  /** A join's `config.expect` when it names listeners. */
  expect: string[];
  line: number;
  endLine: number;
}

export interface TriggerModel {
  name: string;
  index: number;
  type: string;
  target: string;
  payload: string;
  cron?: string;
  line: number;
  endLine: number;
}

export interface PayloadField {
  name: string;
  type: string;
  optional: boolean;
}

/** One backend of the flow's `llm:` section (what the LLM inspector shows). */
export interface LlmBackendModel {
  provider: string;
  baseUrl?: string;
  apiKeySecret?: string;
  name?: string;
}

export interface FlowModel {
  name: string;
  description: string;
  llmBackends: LlmBackendModel[];
  listeners: ListenerModel[];
  triggers: TriggerModel[];
  payloads: Record<string, PayloadField[]>;
}

export interface YamlError {
  line: number;
  column: number;
  message: string;
}

export interface ParsedFlow {
  text: string;
  doc: Document;
  lines: LineCounter;
  /** The model, or null when the text is not valid YAML (see `error`). */
  model: FlowModel | null;
  error: YamlError | null;
}

// Parsing is the dominant cost (tens of ms at 500 nodes); an edit and the view that follows it
// parse the same texts, so the last few results are kept. Parsed documents are never mutated.
const cache: ParsedFlow[] = [];

export function parseFlow(text: string): ParsedFlow {
  const hit = cache.find((c) => c.text === text);
  if (hit) return hit;
  const p = parseUncached(text);
  cache.unshift(p);
  if (cache.length > 4) cache.pop();
  return p;
}

export function clearParseCache(): void {
  cache.length = 0;
}

function parseUncached(text: string): ParsedFlow {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    return { text, doc, lines, model: null, error: { line: pos.line, column: pos.col, message: e.message.split('\n')[0] } };
  }
  return { text, doc, lines, model: readModel(doc, lines), error: null };
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function js(n: unknown): unknown {
  return n && typeof (n as { toJSON?: unknown }).toJSON === 'function' ? (n as { toJSON(): unknown }).toJSON() : isScalar(n) ? n.value : n ?? null;
}

function get(map: unknown, key: string): unknown {
  return isMap(map) ? map.get(key, true) : undefined;
}

function lineOf(lines: LineCounter, n: Node, end = false): number {
  const r = n.range;
  if (!r) return 0;
  return lines.linePos(end ? Math.max(r[0], r[1] - 1) : r[0]).line;
}

export function readModel(doc: Document, lines: LineCounter): FlowModel {
  const root = doc.contents;
  const organism = get(root, 'organism');
  const listeners: ListenerModel[] = [];
  const ls = get(root, 'listeners');
  if (isSeq(ls)) {
    ls.items.forEach((item, index) => {
      if (!isMap(item)) return;
      const o = (js(item) ?? {}) as Record<string, unknown>;
      const config = o.config && typeof o.config === 'object' && !Array.isArray(o.config) ? (o.config as Record<string, unknown>) : null;
      const cases: BranchCase[] = [];
      if (config && Array.isArray(config.cases)) {
        for (const c of config.cases as Record<string, unknown>[]) {
          if (c && typeof c === 'object') cases.push({ when: str(c.if ?? c.when ?? c.xpath), to: str(c.to ?? c.peer ?? c.target) });
        }
      }
      const elseTo = config ? config.else ?? config.default : undefined;
      const names = (v: unknown) => (Array.isArray(v) ? v.map(str) : []);
      const handler = str(o.handler);
      listeners.push({
        name: str(o.name),
        index,
        handler,
        description: str(o.description),
        payloadClass: str(o.payload_class),
        peers: Array.isArray(o.peers) ? o.peers.map(str) : [],
        prompt: o.prompt === undefined ? undefined : str(o.prompt),
        agent: o.agent === true,
        config,
        cases,
        elseTo: elseTo === undefined || elseTo === null ? undefined : str(elseTo),
        fanout: names(config?.fanout),
        mapTo: handler === 'map' && config?.to != null && config.to !== '' ? str(config.to) : undefined,
        steps: handler === 'sequence' ? names(config?.steps) : [],
        expect: handler === 'join' ? names(config?.expect) : [],
        line: lineOf(lines, item),
        endLine: lineOf(lines, item, true),
      });
    });
  }
  const triggers: TriggerModel[] = [];
  const ts = get(root, 'triggers');
  if (isSeq(ts)) {
    ts.items.forEach((item, index) => {
      if (!isMap(item)) return;
      const o = (js(item) ?? {}) as Record<string, unknown>;
      triggers.push({
        name: str(o.name),
        index,
        type: str(o.type),
        target: str(o.target),
        payload: str(o.payload),
        cron: o.cron === undefined ? undefined : str(o.cron),
        line: lineOf(lines, item),
        endLine: lineOf(lines, item, true),
      });
    });
  }
  const payloads: Record<string, PayloadField[]> = {};
  const ps = js(get(root, 'payloads'));
  if (ps && typeof ps === 'object') {
    for (const [cls, def] of Object.entries(ps as Record<string, unknown>)) {
      const fields = def && typeof def === 'object' ? (def as Record<string, unknown>).fields : null;
      payloads[cls] = [];
      if (fields && typeof fields === 'object') {
        for (const [fname, ft] of Object.entries(fields as Record<string, unknown>)) {
          if (typeof ft === 'string') payloads[cls].push({ name: fname, type: ft, optional: false });
          else if (ft && typeof ft === 'object') {
            const f = ft as Record<string, unknown>;
            payloads[cls].push({ name: fname, type: str(f.type), optional: f.optional === true });
          }
        }
      }
    }
  }
  const org = (js(organism) ?? {}) as Record<string, unknown>;
  const llm = (js(get(root, 'llm')) ?? {}) as Record<string, unknown>;
  const llmBackends = (Array.isArray(llm.backends) ? llm.backends : []).filter((b): b is Record<string, unknown> => !!b && typeof b === 'object').map((b) => ({
    provider: str(b.provider),
    baseUrl: typeof b.base_url === 'string' ? b.base_url : undefined,
    apiKeySecret: typeof b.api_key_secret === 'string' ? b.api_key_secret : undefined,
    name: typeof b.name === 'string' ? b.name : undefined,
  }));
  return { name: str(org.name), description: str(org.description), listeners, triggers, payloads, llmBackends };
}
