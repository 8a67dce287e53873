import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addNode, connect, copyNodes, disconnect, ensureLlmSection, ensureResultClass, pasteNodes, RESULT_CLASS, removeNode, renameNode, setField, setPath } from './edits';
import { carryPositions, emptyCanvas, listenerId, targetsOf, toGraph, triggerId } from './graph';
import { parseFlow, type FlowModel, type ListenerModel } from './model';
import { flowSpecArb, lineDiff, renderSpec } from './testkit';

const fixture = (n: string) => readFileSync(new URL(`./fixtures/${n}`, import.meta.url), 'utf8');
const real = ['support-triage.yaml', 'loop-branch.yaml'].map(fixture);

function model(text: string): FlowModel {
  const p = parseFlow(text);
  expect(p.error).toBeNull();
  return p.model!;
}

const strip = (l: ListenerModel) => ({ ...l, line: 0, endLine: 0, index: 0 });

/** The names connect() adds to for this listener (a Parallel node's fanout, a sequence's steps, a map's to, else peers). */
function connectList(l: ListenerModel): string[] {
  if (l.handler === 'fanout' || l.fanout.length > 0) return l.fanout;
  if (l.handler === 'sequence') return l.steps;
  if (l.handler === 'map') return l.mapTo ? [...l.peers, l.mapTo] : []; // without a worker, connect sets `to`
  return l.peers;
}

/** Whether listener l names `name` anywhere (edges, and a join's expect list). */
const refers = (l: ListenerModel, name: string) => targetsOf(l).includes(name) || l.expect.includes(name);

/** Every list of names a listener holds, with `f` applied (for expected models after an edit). */
const mapNames = (l: ListenerModel, f: (names: string[]) => string[]) => ({
  peers: f(l.peers), fanout: f(l.fanout), steps: f(l.steps), expect: f(l.expect), mapTo: l.mapTo === undefined ? undefined : f([l.mapTo])[0],
});
const namesOf = (l: ListenerModel) => ({ peers: l.peers, fanout: l.fanout, steps: l.steps, expect: l.expect, mapTo: l.mapTo });
const arb = flowSpecArb.map(renderSpec);
const runs = { numRuns: 150 };
/** Generous: 150 generated flows per property, on a machine shared with builds. */
const slow = 60_000;

/** Asserts that the edit touched only old lines [lo, hi] (1-based, inclusive), allowing insertion right after hi. */
function changedWithin(before: string, after: string, lo: number, hi: number) {
  const d = lineDiff(before, after);
  if (!d) return;
  expect(d.from + 1).toBeGreaterThanOrEqual(lo);
  expect(d.oldTo).toBeLessThanOrEqual(hi);
}

describe('YAML → graph', () => {
  it('ParseFlow_SeedExample_NodesAndEdgesMatchDesign', () => {
    const m = model(real[0]);
    const g = toGraph(m, emptyCanvas());
    expect(g.nodes.map((n) => `${n.id}:${n.kind}`)).toEqual([
      't:inbound:trigger', 't:nightly:trigger', 'l:triage:llm', 'l:answer:code', 'l:escalate:http', 'l:done:output',
    ]);
    expect(g.edges.map((e) => e.id).sort()).toEqual(['l:triage->l:answer', 'l:triage->l:escalate', 't:inbound->l:triage', 't:nightly->l:triage'].sort());
  });

  it('ParseFlow_LoopAndBranch_LoopEdgesAndCaseLabels', () => {
    const g = toGraph(model(real[1]), emptyCanvas());
    const byId = Object.fromEntries(g.edges.map((e) => [e.id, e]));
    expect(byId['l:researcher->l:researcher'].loop).toBe(true);
    expect(byId['l:check->l:researcher'].loop).toBe(true);
    expect(byId['l:check->l:researcher'].kind).toBe('else');
    expect(byId['l:check->l:done'].kind).toBe('case');
    expect(byId['l:check->l:done'].label).toContain('Ok');
    expect(byId['l:researcher->l:check'].loop).toBe(false);
    expect(g.nodes.find((n) => n.id === 'l:check')!.kind).toBe('branch');
  });

  it('ParseFlow_InvalidYaml_ReportsLineAndNoModel', () => {
    const p = parseFlow('listeners:\n  - name: a\n   bad: [\n');
    expect(p.model).toBeNull();
    expect(p.error!.line).toBeGreaterThan(1);
  });

  it('ToGraph_StoredPositions_UsedAndNewNodesAutoLaidOut', () => {
    const m = model(real[0]);
    const g = toGraph(m, { positions: { 'l:triage': { x: 999, y: 7 } } });
    expect(g.nodes.find((n) => n.id === 'l:triage')!.position).toEqual({ x: 999, y: 7 });
    const ps = g.nodes.map((n) => `${n.position.x},${n.position.y}`);
    expect(new Set(ps).size).toBe(ps.length);
  });
});

describe('round trip', () => {
  it('NoOpEdits_GeneratedAndRealFlows_ByteIdentical', () => {
    fc.assert(
      fc.property(arb, (text) => {
        const m = model(text);
        toGraph(m, emptyCanvas());
        for (const l of m.listeners) {
          expect(setField(text, listenerId(l.name), ['description'], l.description)).toBe(text);
          for (const p of connectList(l)) if (m.listeners.some((x) => x.name === p)) expect(connect(text, listenerId(l.name), listenerId(p))).toBe(text);
          expect(renameNode(text, listenerId(l.name), l.name)).toBe(text);
        }
      }),
      runs,
    );
    for (const text of real) {
      const m = model(text);
      for (const l of m.listeners) expect(setField(text, listenerId(l.name), ['handler'], l.handler)).toBe(text);
    }
  }, slow);
});

describe('single canvas edits change only their lines', () => {
  const descs = ['New text', 'has: colon # and hash', "it's \"quoted\"", 'multi\nline'];

  it('SetField_Description_OnlyThatListenerChanges', () => {
    fc.assert(
      fc.property(arb, fc.nat(), fc.constantFrom(...descs), (text, k, desc) => {
        const m = model(text);
        const l = m.listeners[k % m.listeners.length];
        const next = setField(text, listenerId(l.name), ['description'], desc);
        const m2 = model(next);
        expect(m2.listeners[l.index].description).toBe(desc);
        m.listeners.forEach((o, i) => i !== l.index && expect(strip(m2.listeners[i])).toEqual(strip(o)));
        expect(m2.triggers.map((t) => t.target)).toEqual(m.triggers.map((t) => t.target));
        changedWithin(text, next, l.line, l.endLine);
      }),
      runs,
    );
  }, slow);

  it('Connect_TwoListeners_AddsEdgeOnlyInSource', () => {
    fc.assert(
      fc.property(arb, fc.nat(), fc.nat(), (text, a, b) => {
        const m = model(text);
        const s = m.listeners[a % m.listeners.length];
        const t = m.listeners[b % m.listeners.length];
        const next = connect(text, listenerId(s.name), listenerId(t.name));
        const m2 = model(next);
        const s2 = m2.listeners[s.index];
        const add = (xs: string[]) => (xs.includes(t.name) ? xs : [...xs, t.name]);
        // A Parallel node gains a fanout entry, a sequence a step, a map without a worker its `to`; others a peer.
        const want = s.handler === 'fanout' || s.fanout.length ? { ...namesOf(s), fanout: add(s.fanout) }
          : s.handler === 'sequence' ? { ...namesOf(s), steps: add(s.steps) }
          : s.handler === 'map' && !s.mapTo ? { ...namesOf(s), mapTo: t.name }
          : { ...namesOf(s), peers: connectList(s).includes(t.name) ? s.peers : [...s.peers, t.name] };
        expect(namesOf(s2)).toEqual(want);
        expect({ ...strip(s2), ...want }).toEqual({ ...strip(s), ...want, config: s2.config });
        m.listeners.forEach((o, i) => i !== s.index && expect(strip(m2.listeners[i])).toEqual(strip(o)));
        changedWithin(text, next, s.line, s.endLine);
        const g = toGraph(m2, emptyCanvas());
        expect(g.edges.some((e) => e.source === listenerId(s.name) && e.target === listenerId(t.name))).toBe(true);
      }),
      runs,
    );
  }, slow);

  it('Disconnect_ExistingEdge_RemovesOnlyThatTarget', () => {
    fc.assert(
      fc.property(arb, fc.nat(), (text, k) => {
        const m = model(text);
        const s = m.listeners.find((l) => targetsOf(l).length > 0);
        if (!s) return;
        const targets = targetsOf(s);
        const target = targets[k % targets.length];
        const next = disconnect(text, listenerId(s.name), listenerId(target));
        const m2 = model(next);
        expect(namesOf(m2.listeners[s.index])).toEqual(mapNames(s, (xs) => xs.filter((p) => p !== target)));
        m.listeners.forEach((o, i) => i !== s.index && expect(strip(m2.listeners[i])).toEqual(strip(o)));
        changedWithin(text, next, s.line, s.endLine);
      }),
      runs,
    );
  }, slow);

  it('Rename_Listener_UpdatesNameAndEveryReferenceOnly', () => {
    fc.assert(
      fc.property(arb, fc.nat(), (text, k) => {
        const m = model(text);
        const l = m.listeners[k % m.listeners.length];
        const next = renameNode(text, listenerId(l.name), 'renamed: x');
        const m2 = model(next);
        const sub = (n: string) => (n === l.name ? 'renamed: x' : n);
        m.listeners.forEach((o, i) => {
          expect(m2.listeners[i].name).toBe(sub(o.name));
          expect(namesOf(m2.listeners[i])).toEqual(mapNames(o, (xs) => xs.map(sub)));
        });
        expect(m2.triggers.map((t) => t.target)).toEqual(m.triggers.map((t) => sub(t.target)));
        const d = lineDiff(text, next);
        const oldLines = text.split('\n');
        const newLines = next.split('\n');
        expect(d!.oldTo - d!.from).toBe(d!.newTo - d!.from);
        for (let i = d!.from; i < d!.oldTo; i++) if (oldLines[i] !== newLines[i]) expect(oldLines[i]).toContain(l.name);
      }),
      runs,
    );
  }, slow);

  it('RemoveNode_Listener_RemovesItsLinesAndReferences', () => {
    fc.assert(
      fc.property(arb, fc.nat(), (text, k) => {
        const m = model(text);
        const l = m.listeners[k % m.listeners.length];
        const next = removeNode(text, listenerId(l.name));
        const m2 = model(next);
        const rest = m.listeners.filter((x) => x.index !== l.index);
        expect(m2.listeners.map((x) => x.name)).toEqual(rest.map((x) => x.name));
        rest.forEach((o, i) => {
          expect(namesOf(m2.listeners[i])).toEqual(mapNames(o, (xs) => xs.filter((p) => p !== l.name)));
          expect(m2.listeners[i].description).toBe(o.description);
        });
        expect(m2.triggers.map((t) => t.target)).toEqual(m.triggers.map((t) => (t.target === l.name ? '' : t.target)));
        // Lines of listeners that neither are nor reference the removed one stay byte-identical.
        const kept = next.split('\n');
        for (const o of rest) {
          if (refers(o, l.name)) continue;
          const lines = text.split('\n').slice(o.line - 1, o.endLine);
          const at = kept.indexOf(lines[0]);
          expect(at).toBeGreaterThanOrEqual(0);
          expect(kept.slice(at, at + lines.length)).toEqual(lines);
        }
      }),
      runs,
    );
  }, slow);

  it('AddNode_EachKind_AppendsEntryAndKeepsEverythingBefore', () => {
    fc.assert(
      fc.property(arb, fc.constantFrom('llm', 'http', 'code', 'branch', 'output', 'fanout', 'join', 'map', 'sequence', 'trigger'), (text, kind) => {
        const m = model(text);
        const r = addNode(text, kind as never);
        const m2 = model(r.text);
        if (kind === 'trigger') {
          expect(m2.triggers.length).toBe(m.triggers.length + 1);
          expect(r.id).toBe(triggerId(m2.triggers[m2.triggers.length - 1].name));
        } else {
          expect(m2.listeners.length).toBe(m.listeners.length + 1);
          const added = m2.listeners[m2.listeners.length - 1];
          expect(added.handler).toBe(kind);
          expect(r.id).toBe(listenerId(added.name));
          m.listeners.forEach((o, i) => expect(strip(m2.listeners[i])).toEqual(strip(o)));
          const d = lineDiff(text, r.text)!;
          expect(d.oldTo).toBe(d.from); // pure insertion
          expect(d.from).toBeGreaterThanOrEqual(m.listeners[m.listeners.length - 1].endLine);
        }
      }),
      runs,
    );
  }, slow);
});

describe('edits on real flows', () => {
  it('SetField_Prompt_MultilineBecomesLiteralBlock', () => {
    const next = setField(real[0], 'l:triage', ['prompt'], 'Line one.\nLine two.\n');
    expect(next).toContain('    prompt: |\n      Line one.\n      Line two.\n    config:');
    expect(model(next).listeners[0].prompt).toBe('Line one.\nLine two.\n');
    const back = setField(next, 'l:triage', ['prompt'], 'Decide whether the ticket is easy.');
    expect(back).toBe(real[0]);
  });

  it('SetField_ConfigKey_InFlowMapKeepsComments', () => {
    const next = setField(real[0], 'l:answer', ['config', 'fuel'], 100);
    expect(next).toContain('config: {module: answer-bot@3, fuel: 100}}');
    expect(next.split('\n').filter((l, i) => l !== real[0].split('\n')[i])).toHaveLength(1);
    const added = setField(real[1], 'l:researcher', ['config', 'max_tokens'], 500);
    expect(added).toContain('      x-unknown-to-canvas: keep me\n      max_tokens: 500\n  - name: check');
    expect(setField(added, 'l:researcher', ['config', 'max_tokens'], undefined)).toBe(real[1]);
  });

  it('Connect_TriggerToListener_SetsTarget', () => {
    const next = connect(real[0], 't:inbound', 'l:done');
    expect(model(next).triggers[0].target).toBe('done');
    expect(lineDiff(real[0], next)).toEqual({ from: 16, oldTo: 17, newTo: 17 });
  });

  it('RemoveNode_BranchTarget_DropsCaseAndElse', () => {
    const next = removeNode(real[1], 'l:done');
    const m = model(next);
    expect(m.listeners.map((l) => l.name)).toEqual(['researcher', 'check']);
    expect(m.listeners[1].cases).toEqual([]);
    expect(m.listeners[1].peers).toEqual(['researcher']);
    expect(next).toContain('# trailing comment');
    expect(next).toContain('# The agent itself');
    const next2 = removeNode(real[1], 'l:researcher');
    const m2 = model(next2);
    expect(m2.listeners[0].elseTo).toBeUndefined();
    expect(m2.triggers[0].target).toBe('');
  });

  it('CopyPaste_TwoNodes_PeersFollowCopies', () => {
    const items = copyNodes(real[1], ['l:researcher', 'l:check']);
    const r = pasteNodes(real[1], items);
    const m = model(r.text);
    expect(r.ids).toEqual(['l:researcher_copy', 'l:check_copy']);
    expect(m.listeners[3].peers).toEqual(['check_copy', 'researcher_copy']);
    expect(r.text.startsWith(real[1].replace(/# trailing comment\n$/, ''))).toBe(true);
  });

  it('AddNode_EmptyDocument_CreatesSections', () => {
    let t = 'organism:\n  name: new-flow\npayloads:\n  Message: {fields: {Text: string}}\nlisteners: []\n';
    const a = addNode(t, 'trigger');
    t = a.text;
    const b = addNode(t, 'llm');
    t = b.text;
    t = connect(t, a.id, b.id);
    const c = addNode(t, 'output');
    t = connect(c.text, b.id, c.id);
    const m = model(t);
    expect(m.triggers[0].target).toBe('llm');
    expect(m.listeners.map((l) => l.name)).toEqual(['llm', 'output']);
    expect(m.listeners[0].peers).toEqual(['output']);
    expect(t.startsWith('organism:\n  name: new-flow\n')).toBe(true);
    expect(t).toContain('listeners:\n  - name: llm\n    description: Asks the model\n');
    expect(t).toContain('triggers:\n  - name: trigger\n    type: webhook\n    payload: Message\n    target: llm\n');
  });

  it('EnsureLlmSection_Missing_AppendsDefaultBackendOnly_PresentIsNoOp', () => {
    const t = 'organism:\n  name: new-flow\n# keep me\npayloads:\n  Message: {fields: {Text: string}}\nlisteners: []\n';
    const withLlm = ensureLlmSection(addNode(t, 'llm').text);
    const doc = parseFlow(withLlm).doc.toJSON() as Record<string, any>;
    expect(doc.llm.backends[0]).toEqual({ provider: 'openai', base_url: 'https://api.openai.com/v1', api_key_secret: 'OPENAI_API_KEY' });
    expect(withLlm.startsWith('organism:\n  name: new-flow\n# keep me\npayloads:\n')).toBe(true);
    expect(ensureLlmSection(withLlm)).toBe(withLlm);
  });

  it('AddNode_Code_InlineSourceAsLiteralBlock', () => {
    const r = addNode(real[0], 'code');
    expect(r.text).toContain('    config:\n      source: |\n        import { JsonObj } from "./nextra";\n');
    const l = model(r.text).listeners.at(-1)!;
    expect(String(l.config!.source)).toContain('export function handle(ptr: usize, len: i32): i64 {\n');
  });

  it('SetPath_PayloadClassField_AddsFieldInPlace', () => {
    const next = setPath(real[0], ['payloads', 'Answer', 'fields', 'Score'], 'float');
    expect(next).toContain('Answer: {fields: {Text: string, Score: float}}');
    expect(model(next).payloads.Answer.map((f) => f.name)).toEqual(['Text', 'Score']);
    const cls = setPath(real[1], ['payloads', 'Note'], { fields: { Body: 'string' } });
    expect(model(cls).payloads.Note).toEqual([{ name: 'Body', type: 'string', optional: false }]);
    expect(cls).toContain('    fields: {Text: string, Ok: bool}\n  Note:\n    fields: {Body: string}\n\ntriggers:');
  });
});

describe('parallel nodes', () => {
  const flow = [
    'organism: {name: par}',
    'payloads:',
    '  Msg: {fields: {Text: string}}',
    'listeners:',
    '  - {name: ask, description: Fans out, payload_class: Msg, handler: fanout, config: {fanout: [a, b]}}  # parallel',
    '  - {name: a, description: A, payload_class: Msg, handler: code, peers: [collect]}',
    '  - {name: b, description: B, payload_class: Msg, handler: code, peers: [collect]}',
    '  - name: collect',
    '    description: Joins',
    '    payload_class: Msg',
    '    handler: join',
    '    config:',
    '      expect: [a, b]',
    '      output: Results',
    '  - {name: each, description: Maps, payload_class: Msg, handler: map, config: {to: a, item_class: Msg, output: Results}}',
    '  - {name: seq, description: Steps, payload_class: Msg, handler: sequence, config: {steps: [a, b]}}',
    '',
  ].join('\n');

  it('Graph_ParallelKinds_OwnKindsAndEdges', () => {
    const g = toGraph(model(flow), emptyCanvas());
    expect(g.nodes.map((n) => `${n.name}:${n.kind}`)).toEqual(['ask:fanout', 'a:code', 'b:code', 'collect:join', 'each:map', 'seq:sequence']);
    const e = Object.fromEntries(g.edges.map((x) => [x.id, `${x.kind}${x.label ? ':' + x.label : ''}`]));
    expect(e).toEqual({
      'l:ask->l:a': 'fanout', 'l:ask->l:b': 'fanout', 'l:a->l:collect': 'peer', 'l:b->l:collect': 'peer',
      'l:each->l:a': 'each:each', 'l:seq->l:a': 'step:step 1', 'l:seq->l:b': 'step:step 2',
    });
    expect(g.nodes.find((n) => n.name === 'ask')!.subtitle).toContain('2 branches');
  });

  it('Connect_FromParallelNode_AppendsFanoutInPlace_ThenDisconnectAndRename', () => {
    const m = (t: string) => model(t).listeners;
    const withC = addNode(flow, 'code', { name: 'c' }).text;
    const next = connect(withC, 'l:ask', 'l:c');
    expect(next).toContain('config: {fanout: [a, b, c]}}  # parallel\n');
    expect(m(next)[0].peers).toEqual([]);
    expect(disconnect(next, 'l:ask', 'l:c')).toBe(withC);
    const renamed = renameNode(flow, 'l:a', 'first');
    expect(renamed).toContain('fanout: [first, b]');
    expect(renamed).toContain('expect: [first, b]');
    expect(renamed).toContain('config: {to: first, item_class: Msg, output: Results}');
    expect(renamed).toContain('steps: [first, b]');
    const removed = removeNode(flow, 'l:b');
    expect(m(removed).find((l) => l.name === 'ask')!.fanout).toEqual(['a']);
    expect(m(removed).find((l) => l.name === 'collect')!.expect).toEqual(['a']);
    expect(m(removed).find((l) => l.name === 'seq')!.steps).toEqual(['a']);
  });

  it('Connect_MapWithoutWorker_SetsTo_SequenceAppendsStep', () => {
    let t = addNode(flow, 'map', { name: 'm2' }).text;
    t = connect(t, 'l:m2', 'l:b');
    expect(model(t).listeners.find((l) => l.name === 'm2')!.mapTo).toBe('b');
    t = connect(t, 'l:m2', 'l:collect');
    expect(model(t).listeners.find((l) => l.name === 'm2')!.peers).toEqual(['collect']);
    expect(model(connect(flow, 'l:seq', 'l:collect')).listeners.find((l) => l.name === 'seq')!.steps).toEqual(['a', 'b', 'collect']);
  });

  it('EnsureResultClass_Missing_AddsTheClass_PresentIsNoOp', () => {
    const withJoin = addNode(flow, 'join', { name: 'j2' }).text;
    expect(model(withJoin).listeners.at(-1)!.config).toEqual({ output: RESULT_CLASS });
    const ensured = ensureResultClass(withJoin);
    const fields = model(ensured).payloads[RESULT_CLASS].map((f) => `${f.name}:${f.type}`);
    expect(fields).toEqual(['Items:list']);
    expect(ensured.startsWith(withJoin.slice(0, withJoin.indexOf('listeners:')).replace(/\n$/, ''))).toBe(true);
    expect(ensureResultClass(ensured)).toBe(ensured);
  });
});

describe('canvas state', () => {
  it('CarryPositions_RenameInYaml_PositionFollows', () => {
    const before = model(real[0]);
    const after = model(real[0].replace(/\bescalate\b/g, 'page_human'));
    const c = carryPositions(before, after, { positions: { 'l:escalate': { x: 5, y: 6 }, 'l:done': { x: 1, y: 1 } } });
    expect(c.positions).toEqual({ 'l:page_human': { x: 5, y: 6 }, 'l:done': { x: 1, y: 1 } });
    const same = { positions: { 'l:done': { x: 1, y: 1 } } };
    expect(carryPositions(before, model(real[0]), same)).toBe(same);
  });
});
