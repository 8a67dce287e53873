// Test helpers: a generator of organism.yaml texts in many hand-written styles, and a line diff.
import fc from 'fast-check';

export interface ListenerSpec {
  handler: string;
  peers: number[];
  /** Listeners named in the kind's config: fanout targets, sequence steps, join expect, map `to` (first). */
  links: number[];
  configStyle: 'flow' | 'block';
  itemStyle: 'block' | 'flow';
  peersStyle: 'flow' | 'block' | 'none';
  commentBefore: boolean;
  trailingComment: boolean;
  quoteName: boolean;
  unknownKey: boolean;
  prompt: boolean;
  word: string;
}

export interface FlowSpec {
  listeners: ListenerSpec[];
  triggers: { target: number; flow: boolean }[];
  header: boolean;
}

const words = ['triage', 'answer', 'check', 'fetch-data', 'sum_up', 'done', 'agent'];

const listenerArb = (n: number) =>
  fc.record({
    handler: fc.constantFrom('llm', 'http', 'code', 'branch', 'output', 'dotnet', 'fanout', 'join', 'map', 'sequence'),
    peers: fc.uniqueArray(fc.nat({ max: n - 1 }), { maxLength: 3 }),
    links: fc.uniqueArray(fc.nat({ max: n - 1 }), { maxLength: 3 }),
    configStyle: fc.constantFrom('flow', 'block'),
    itemStyle: fc.constantFrom('block', 'flow'),
    peersStyle: fc.constantFrom('flow', 'block', 'none'),
    commentBefore: fc.boolean(),
    trailingComment: fc.boolean(),
    quoteName: fc.boolean(),
    unknownKey: fc.boolean(),
    prompt: fc.boolean(),
    word: fc.constantFrom(...words),
  }) as fc.Arbitrary<ListenerSpec>;

export const flowSpecArb: fc.Arbitrary<FlowSpec> = fc.integer({ min: 1, max: 7 }).chain((n) =>
  fc.record({
    listeners: fc.array(listenerArb(n), { minLength: n, maxLength: n }),
    triggers: fc.array(fc.record({ target: fc.nat({ max: n - 1 }), flow: fc.boolean() }), { maxLength: 2 }),
    header: fc.boolean(),
  }),
);

export const nameOf = (s: FlowSpec, i: number) => `${s.listeners[i].word}${i}`;

/** The `config:` of the parallel kinds, naming listeners through `links` (empty for other kinds). */
function configOf(s: FlowSpec, l: ListenerSpec): Record<string, string | string[]> | null {
  const links = l.links.map((i) => nameOf(s, i));
  switch (l.handler) {
    case 'fanout':
      return { fanout: links };
    case 'sequence':
      return { steps: links };
    case 'join':
      return { expect: links, output: 'R' };
    case 'map':
      return links.length ? { to: links[0], item_class: 'Msg', output: 'R' } : { item_class: 'Msg', output: 'R' };
    default:
      return null;
  }
}

const flowValue = (v: string | string[]) => (Array.isArray(v) ? `[${v.join(', ')}]` : v);

export function renderSpec(s: FlowSpec): string {
  const out: string[] = [];
  if (s.header) out.push('# generated flow', '');
  out.push('organism:', '  name: gen   # the name', 'payloads:', '  Msg: {fields: {Text: string}}',
    '  R: {fields: {Items: {type: list, of: {fields: {Index: int, Success: bool, Error: string, Payload: {type: xml, optional: true}}}}}}');
  if (s.triggers.length) {
    out.push('triggers:');
    s.triggers.forEach((t, i) => {
      if (t.flow) out.push(`  - {name: trig${i}, type: webhook, target: ${nameOf(s, t.target)}, payload: Msg}`);
      else out.push(`  - name: trig${i}`, '    type: manual', `    target: ${nameOf(s, t.target)}`, '    payload: Msg');
    });
  }
  out.push('listeners:');
  s.listeners.forEach((l, i) => {
    const name = l.quoteName ? `"${nameOf(s, i)}"` : nameOf(s, i);
    const peers = l.peers.map((p) => nameOf(s, p));
    if (l.commentBefore) out.push(`  # listener ${i}`);
    if (l.itemStyle === 'flow') {
      const parts = [`name: ${name}`, `description: Does thing ${i}`, 'payload_class: Msg', `handler: ${l.handler}`];
      if (l.peersStyle !== 'none') parts.push(`peers: [${peers.join(', ')}]`);
      if (l.unknownKey) parts.push('x-note: kept');
      const cfg = configOf(s, l);
      if (cfg) parts.push(`config: {${Object.entries(cfg).map(([k, v]) => `${k}: ${flowValue(v)}`).join(', ')}}`);
      out.push(`  - {${parts.join(', ')}}${l.trailingComment ? '  # flow item' : ''}`);
      return;
    }
    out.push(`  - name: ${name}`, `    description: "Does: thing ${i}"`, '    payload_class: Msg', `    handler: ${l.handler}${l.trailingComment ? '   # kind' : ''}`);
    if (l.peersStyle === 'flow') out.push(`    peers: [${peers.join(', ')}]`);
    if (l.peersStyle === 'block') {
      if (peers.length) out.push('    peers:', ...peers.map((p) => `      - ${p}`));
      else out.push('    peers: []');
    }
    if (l.unknownKey) out.push('    x-note:', '      deep: {kept: true}');
    if (l.prompt) out.push('    prompt: |', '      Line one.', '      Line two.');
    const cfg = configOf(s, l);
    if (cfg && l.configStyle === 'flow') out.push(`    config: {${Object.entries(cfg).map(([k, v]) => `${k}: ${flowValue(v)}`).join(', ')}}`);
    if (cfg && l.configStyle === 'block') {
      out.push('    config:');
      for (const [k, v] of Object.entries(cfg)) {
        if (!Array.isArray(v)) out.push(`      ${k}: ${v}   # ${k}`);
        else if (v.length === 0) out.push(`      ${k}: []`);
        else out.push(`      ${k}:`, ...v.map((x) => `        - ${x}`));
      }
    }
  });
  return out.join('\n') + '\n';
}

/** The changed region between two texts, as 0-based old line range [from, oldTo) and new [from, newTo). */
export function lineDiff(a: string, b: string): { from: number; oldTo: number; newTo: number } | null {
  if (a === b) return null;
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  let j = 0;
  while (j < x.length - i && j < y.length - i && x[x.length - 1 - j] === y[y.length - 1 - j]) j++;
  return { from: i, oldTo: x.length - j, newTo: y.length - j };
}
