// Canvas edits as minimal YAML text edits. Each function takes the current text and returns
// the new text; only the lines an edit is about change. Positions are canvas state, not YAML.
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { listenerId, triggerId, type NodeKind } from './graph';
import { parseFlow, type ListenerModel, type ParsedFlow } from './model';
import { appendIn, applySplices, deleteIn, getNode, setIn, type PathSeg, type Splice } from './text';

type Edit = (text: string, doc: Document, p: ParsedFlow) => Splice[];

function apply(text: string, edit: Edit): string {
  const p = parseFlow(text);
  if (!p.model) throw new Error(`YAML is invalid: ${p.error?.message}`);
  const splices = edit(text, p.doc, p);
  return splices.length ? applySplices(text, splices) : text;
}

export interface NodeRef {
  section: 'triggers' | 'listeners';
  index: number;
  name: string;
}

export function refOf(p: ParsedFlow, id: string): NodeRef | null {
  const m = p.model;
  if (!m) return null;
  const name = id.slice(2);
  if (id.startsWith('t:')) {
    const t = m.triggers.find((x) => x.name === name);
    return t ? { section: 'triggers', index: t.index, name } : null;
  }
  const l = m.listeners.find((x) => x.name === name);
  return l ? { section: 'listeners', index: l.index, name } : null;
}

function mustRef(text: string, id: string): NodeRef {
  const r = refOf(parseFlow(text), id);
  if (!r) throw new Error(`no node ${id}`);
  return r;
}

export function uniqueName(p: ParsedFlow, base: string): string {
  const taken = new Set([...(p.model?.listeners ?? []).map((l) => l.name), ...(p.model?.triggers ?? []).map((t) => t.name)]);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

const descriptions: Record<string, string> = {
  llm: 'Asks the model',
  http: 'Calls an HTTP endpoint',
  code: 'Runs a WASM code block',
  branch: 'Chooses a peer by condition',
  output: 'Final result',
  fanout: 'Sends to several listeners at once',
  join: 'Joins the answers of parallel branches',
  map: 'Calls a listener once per item',
  sequence: 'Runs listeners one after another',
  generic: 'A listener',
};

/** The payload class join and map nodes start with (added by ensureResultClass). */
export const RESULT_CLASS = 'Results';

/** A result class any join or map accepts: items with index, success, error, branch and the answer as XML. */
export const resultClassDef = {
  fields: {
    Items: {
      type: 'list',
      of: { fields: { Index: 'int', Success: 'bool', Error: 'string', Branch: { type: 'string', optional: true }, Payload: { type: 'xml', optional: true } } },
    },
  },
};

// Inline AssemblyScript (docs/wasm-abi.md): passes the payload's Text field through.
const codeStarter = `import { JsonObj } from "./nextra";
export { alloc } from "./nextra";

export function handle(ptr: usize, len: i32): i64 {
  const input = JsonObj.read(ptr, len);
  const out = new JsonObj();
  out.setString("Text", input.getString("Text"));
  // Where the result goes: with one peer (one edge out) it is forwarded there. With several,
  // name one: out.setString("_to", "peer-name"); end the chain instead: out.setBool("_drop", true).
  return out.write();
}
`;

/** The YAML entry a palette item creates. */
export function templateFor(kind: NodeKind | 'trigger', name: string, payloadClass: string): Record<string, unknown> {
  if (kind === 'trigger') return { name, type: 'webhook', payload: payloadClass };
  const base: Record<string, unknown> = { name, description: descriptions[kind] ?? 'A listener', payload_class: payloadClass, handler: kind === 'generic' ? 'dotnet' : kind };
  switch (kind) {
    case 'llm':
      return { ...base, agent: true, prompt: 'You are a helpful assistant.', config: { model: 'gpt-4o-mini' } };
    case 'http':
      return { ...base, config: { method: 'POST', url: 'https://example.com/hook' } };
    case 'code':
      return { ...base, config: { source: codeStarter } };
    case 'branch':
      return { ...base, config: { cases: [] } };
    case 'fanout':
      return { ...base, config: { fanout: [] } };
    case 'join':
      return { ...base, config: { output: RESULT_CLASS } };
    case 'map':
      return { ...base, config: { item_class: payloadClass, output: RESULT_CLASS } };
    case 'sequence':
      return { ...base, config: { steps: [] } };
    default:
      return base;
  }
}

/** Adds a node from the palette; returns the new text and the node's id. */
export function addNode(
  text: string,
  kind: NodeKind | 'trigger',
  opts: { name?: string; payloadClass?: string; description?: string; config?: Record<string, unknown>; target?: string } = {},
): { text: string; id: string } {
  const p = parseFlow(text);
  if (!p.model) throw new Error('YAML is invalid');
  const name = uniqueName(p, opts.name ?? (kind === 'trigger' ? 'trigger' : kind === 'generic' ? 'listener' : kind));
  const payload = opts.payloadClass ?? Object.keys(p.model.payloads)[0] ?? 'Message';
  const template = templateFor(kind, name, payload);
  const entry = kind === 'trigger' && opts.target ? { name, type: template.type, target: opts.target, payload } as Record<string, unknown> : template;
  // A registered module's code block: `config: {module: NAME@VERSION}` instead of the inline starter.
  if (opts.config && kind !== 'trigger') entry.config = opts.config;
  if (opts.description && kind !== 'trigger') entry.description = opts.description;
  return addEntry(text, kind === 'trigger' ? 'triggers' : 'listeners', entry);
}

/** The backend an LLM node starts with: OpenAI, its key from the tenant secret OPENAI_API_KEY (Settings → Secrets). */
export const defaultLlmSection = {
  strategy: 'failover',
  backends: [{ provider: 'openai', base_url: 'https://api.openai.com/v1', api_key_secret: 'OPENAI_API_KEY' }],
};

/**
 * An llm listener needs a top-level `llm:` section with a backend (the server refuses the flow
 * otherwise); adds the default one when the document has none, and changes nothing when it has.
 */
export function ensureLlmSection(text: string): string {
  const p = parseFlow(text);
  if (!p.model || !isMap(p.doc.contents) || p.doc.contents.has('llm')) return text;
  return setPath(text, ['llm'], defaultLlmSection);
}

/**
 * A join or map node needs its result class: adds `Results` (items with index, success, error, branch
 * and the answer as XML) when the document has no class of that name, and changes nothing when it has.
 */
export function ensureResultClass(text: string): string {
  const p = parseFlow(text);
  if (!p.model || !isMap(p.doc.contents) || RESULT_CLASS in p.model.payloads) return text;
  return setPath(text, ['payloads', RESULT_CLASS], resultClassDef);
}

/** Appends a raw trigger/listener entry (used by add and paste). */
export function addEntry(text: string, section: 'triggers' | 'listeners', entry: Record<string, unknown>): { text: string; id: string } {
  const next = apply(text, (t, doc) => {
    if (!isMap(doc.contents)) throw new Error('document root is not a mapping');
    return appendIn(t, doc, [section], entry);
  });
  const name = String(entry.name);
  return { text: next, id: section === 'triggers' ? triggerId(name) : listenerId(name) };
}

function peerRefs(l: ListenerModel, name: string): boolean {
  return l.peers.includes(name) || l.cases.some((c) => c.to === name) || l.elseTo === name ||
    l.fanout.includes(name) || l.steps.includes(name) || l.expect.includes(name) || l.mapTo === name;
}

/** Config lists that name listeners: fan-out targets, sequence steps, a join's expected branches. */
const configLists = ['fanout', 'steps', 'expect'] as const;

/** Appends to `config.<key>` of a listener, creating the list (and `config:`) when missing. */
function appendConfigList(text: string, doc: Document, index: number, key: string, value: string): Splice[] {
  const cfg = getNode(doc, ['listeners', index, 'config']);
  if (!cfg || (isScalar(cfg) && cfg.value === null)) return setIn(text, doc, ['listeners', index, 'config'], { [key]: [value] });
  return appendIn(text, doc, ['listeners', index, 'config', key], value);
}

function elseKey(doc: Document, index: number): string | null {
  const cfg = getNode(doc, ['listeners', index, 'config']);
  if (!isMap(cfg)) return null;
  return cfg.has('else') ? 'else' : cfg.has('default') ? 'default' : null;
}

/** Drops every reference to listener `name` from peers, branch cases/else and trigger targets. */
function dropReferences(text: string, doc: Document, p: ParsedFlow, name: string, skipIndex = -1): Splice[] {
  const out: Splice[] = [];
  for (const l of p.model!.listeners) {
    if (l.index === skipIndex || !peerRefs(l, name)) continue;
    if (l.peers.includes(name)) out.push(...removeFromList(text, doc, ['listeners', l.index, 'peers'], name));
    const cases = getNode(doc, ['listeners', l.index, 'config', 'cases']);
    if (isSeq(cases) && l.cases.some((c) => c.to === name)) {
      const keep = (cases.toJSON() as Record<string, unknown>[]).filter((c) => String(c?.to ?? c?.peer ?? c?.target ?? '') !== name);
      out.push(...setIn(text, doc, ['listeners', l.index, 'config', 'cases'], keep));
    }
    const ek = elseKey(doc, l.index);
    if (ek && l.elseTo === name) out.push(...deleteIn(text, doc, ['listeners', l.index, 'config', ek]));
    for (const key of configLists) out.push(...removeFromList(text, doc, ['listeners', l.index, 'config', key], name));
    if (l.mapTo === name) out.push(...deleteIn(text, doc, ['listeners', l.index, 'config', 'to']));
  }
  for (const t of p.model!.triggers) if (t.target === name) out.push(...deleteIn(text, doc, ['triggers', t.index, 'target']));
  return out;
}

function removeFromList(text: string, doc: Document, path: PathSeg[], value: string): Splice[] {
  const seq = getNode(doc, path);
  if (!isSeq(seq)) return [];
  const hits = seq.items.map((it, i) => (isScalar(it) && String(it.value) === value ? i : -1)).filter((i) => i >= 0);
  if (hits.length === 1) return deleteIn(text, doc, [...path, hits[0]]);
  if (hits.length === 0) return [];
  return setIn(text, doc, path, (seq.toJSON() as unknown[]).filter((x) => String(x) !== value));
}

export function removeNode(text: string, id: string): string {
  const ref = mustRef(text, id);
  let next = text;
  if (ref.section === 'listeners') next = apply(next, (t, doc, p) => dropReferences(t, doc, p, ref.name, ref.index));
  const again = mustRef(next, id);
  return apply(next, (t, doc) => deleteIn(t, doc, [again.section, again.index]));
}

export function removeNodes(text: string, ids: string[]): string {
  let next = text;
  for (const id of ids) if (refOf(parseFlow(next), id)) next = removeNode(next, id);
  return next;
}

export function renameNode(text: string, id: string, newName: string): string {
  const ref = mustRef(text, id);
  if (newName === ref.name || newName.trim() === '') return text;
  return apply(text, (t, doc, p) => {
    const out: Splice[] = [...setIn(t, doc, [ref.section, ref.index, 'name'], newName)];
    if (ref.section === 'triggers') return out;
    const scalarAt = (path: PathSeg[]) => {
      const n = getNode(doc, path);
      if (isScalar(n) && String(n.value) === ref.name) out.push(...setIn(t, doc, path, newName));
    };
    for (const l of p.model!.listeners) {
      const peers = getNode(doc, ['listeners', l.index, 'peers']);
      if (isSeq(peers)) peers.items.forEach((_, i) => scalarAt(['listeners', l.index, 'peers', i]));
      const cases = getNode(doc, ['listeners', l.index, 'config', 'cases']);
      if (isSeq(cases)) {
        cases.items.forEach((c, i) => {
          if (!isMap(c)) return;
          for (const k of ['to', 'peer', 'target']) if (c.has(k)) scalarAt(['listeners', l.index, 'config', 'cases', i, k]);
        });
      }
      const ek = elseKey(doc, l.index);
      if (ek) scalarAt(['listeners', l.index, 'config', ek]);
      for (const key of configLists) {
        const list = getNode(doc, ['listeners', l.index, 'config', key]);
        if (isSeq(list)) list.items.forEach((_, i) => scalarAt(['listeners', l.index, 'config', key, i]));
      }
      if (l.handler === 'map') scalarAt(['listeners', l.index, 'config', 'to']);
    }
    for (const tr of p.model!.triggers) if (tr.target === ref.name) scalarAt(['triggers', tr.index, 'target']);
    return out;
  });
}

/**
 * Connects source → target: a trigger's `target`; for a Parallel node (or any listener with a
 * `fanout` list) a `config.fanout` entry; for a sequence the next `config.steps` entry; for a map
 * without a worker its `config.to`; else a `peers` entry. Connecting an existing edge changes nothing.
 */
export function connect(text: string, sourceId: string, targetId: string): string {
  if (!targetId.startsWith('l:')) return text;
  const src = mustRef(text, sourceId);
  const dst = mustRef(text, targetId);
  return apply(text, (t, doc, p) => {
    if (src.section === 'triggers') return setIn(t, doc, ['triggers', src.index, 'target'], dst.name);
    const l = p.model!.listeners[src.index];
    if (l.handler === 'fanout' || l.fanout.length > 0) {
      return l.fanout.includes(dst.name) ? [] : appendConfigList(t, doc, src.index, 'fanout', dst.name);
    }
    if (l.handler === 'sequence') return l.steps.includes(dst.name) ? [] : appendConfigList(t, doc, src.index, 'steps', dst.name);
    if (l.handler === 'map' && !l.mapTo) {
      const cfg = getNode(doc, ['listeners', src.index, 'config']);
      if (!cfg || (isScalar(cfg) && cfg.value === null)) return setIn(t, doc, ['listeners', src.index, 'config'], { to: dst.name });
      return setIn(t, doc, ['listeners', src.index, 'config', 'to'], dst.name);
    }
    if (l.peers.includes(dst.name) || (l.handler === 'map' && l.mapTo === dst.name)) return [];
    return appendIn(t, doc, ['listeners', src.index, 'peers'], dst.name);
  });
}

/** Removes the edge source → target (peers entry, branch case/else, or trigger target). */
export function disconnect(text: string, sourceId: string, targetId: string): string {
  const src = mustRef(text, sourceId);
  const dst = targetId.slice(2);
  return apply(text, (t, doc, p) => {
    if (src.section === 'triggers') return deleteIn(t, doc, ['triggers', src.index, 'target']);
    const l = p.model!.listeners[src.index];
    const only = { ...p.model!, listeners: [l], triggers: [] };
    return dropReferences(t, doc, { ...p, model: only }, dst);
  });
}

/** Sets (or with `undefined`, removes) a field of a node: `['description']`, `['config', 'model']`. */
export function setField(text: string, id: string, path: PathSeg[], value: unknown): string {
  const ref = mustRef(text, id);
  if (path.length === 1 && path[0] === 'name') return renameNode(text, id, String(value));
  return apply(text, (t, doc) => {
    const full: PathSeg[] = [ref.section, ref.index, ...path];
    if (value === undefined) return deleteIn(t, doc, full);
    // Create missing parent maps (e.g. `config:`) one level at a time.
    for (let i = 3; i < full.length; i++) {
      const n = getNode(doc, full.slice(0, i));
      if (!n || (isScalar(n) && n.value === null)) {
        const rest = full.slice(i).reduceRight<unknown>((acc, k) => ({ [String(k)]: acc }), value);
        return setIn(t, doc, full.slice(0, i), rest);
      }
    }
    const cur = getNode(doc, full);
    if (cur && isScalar(cur) && cur.value === value) return [];
    return setIn(t, doc, full, value);
  });
}

/** Sets a top-level path (payload classes, organism name): `['payloads', 'Ticket', 'fields']`. */
export function setPath(text: string, path: PathSeg[], value: unknown): string {
  return apply(text, (t, doc) => {
    if (value === undefined) return deleteIn(t, doc, path);
    for (let i = 1; i < path.length; i++) {
      const n = getNode(doc, path.slice(0, i));
      if (!n || (isScalar(n) && n.value === null)) {
        const rest = path.slice(i).reduceRight<unknown>((acc, k) => ({ [String(k)]: acc }), value);
        return setIn(t, doc, path.slice(0, i), rest);
      }
    }
    return setIn(t, doc, path, value);
  });
}

/** The plain entries of nodes (for copy). */
export function copyNodes(text: string, ids: string[]): { section: 'triggers' | 'listeners'; entry: Record<string, unknown> }[] {
  const p = parseFlow(text);
  const out: { section: 'triggers' | 'listeners'; entry: Record<string, unknown> }[] = [];
  for (const id of ids) {
    const r = refOf(p, id);
    if (!r) continue;
    const n = getNode(p.doc, [r.section, r.index]) as Node | null;
    if (n && isMap(n)) out.push({ section: r.section, entry: n.toJSON() as Record<string, unknown> });
  }
  return out;
}

/** Pastes copied entries with fresh names; peers among the pasted nodes follow the renames. */
export function pasteNodes(text: string, items: { section: 'triggers' | 'listeners'; entry: Record<string, unknown> }[]): { text: string; ids: string[] } {
  let next = text;
  const renames = new Map<string, string>();
  const p = parseFlow(text);
  const taken = new Set([...(p.model?.listeners ?? []).map((l) => l.name), ...(p.model?.triggers ?? []).map((t) => t.name)]);
  for (const it of items) {
    const base = String(it.entry.name ?? 'node').replace(/_copy(_\d+)?$/, '');
    let name = `${base}_copy`;
    for (let i = 2; taken.has(name); i++) name = `${base}_copy_${i}`;
    taken.add(name);
    renames.set(String(it.entry.name), name);
  }
  const ids: string[] = [];
  for (const it of items) {
    const e: Record<string, unknown> = { ...it.entry, name: renames.get(String(it.entry.name)) };
    const follow = (x: unknown) => renames.get(String(x)) ?? x;
    if (Array.isArray(e.peers)) e.peers = e.peers.map(follow);
    if (e.config && typeof e.config === 'object' && !Array.isArray(e.config)) {
      const c: Record<string, unknown> = { ...(e.config as Record<string, unknown>) };
      for (const key of configLists) if (Array.isArray(c[key])) c[key] = (c[key] as unknown[]).map(follow);
      if (e.handler === 'map' && typeof c.to === 'string') c.to = follow(c.to);
      e.config = c;
    }
    if (it.section === 'triggers' && typeof e.target === 'string') e.target = renames.get(e.target) ?? e.target;
    const r = addEntry(next, it.section, e);
    next = r.text;
    ids.push(r.id);
  }
  return { text: next, ids };
}
