// Timings for a 500-node flow (issue 7 quality bar). Run: npm run bench
import { describe, expect, it } from 'vitest';
import { addNode, connect, renameNode, setField } from './edits';
import { emptyCanvas, toGraph } from './graph';
import { clearParseCache, parseFlow } from './model';

export function bigFlow(n: number): string {
  const kinds = ['llm', 'http', 'code', 'branch', 'output'];
  const out = ['# generated: 500-node flow', 'organism:', '  name: big', 'payloads:', '  Msg: {fields: {Text: string}}', 'triggers:', '  - {name: start, type: webhook, target: n0, payload: Msg}', 'listeners:'];
  for (let i = 0; i < n; i++) {
    out.push(`  - name: n${i}`, `    description: Step ${i}   # comment ${i}`, '    payload_class: Msg', `    handler: ${kinds[i % kinds.length]}`);
    const peers = [i + 1, i + 7, i - 3].filter((p) => p >= 0 && p < n).map((p) => `n${p}`);
    out.push(`    peers: [${peers.join(', ')}]`);
    if (i % 5 === 0) out.push('    prompt: |', '      Think.', '      Answer.', '    config: {model: gpt-4o-mini}');
  }
  return out.join('\n') + '\n';
}

/** Mean time of f over reps runs, each with a cold parse cache (setup runs untimed). */
function time<T>(label: string, f: () => T, setup: () => void = clearParseCache, reps = 5): T {
  let r!: T;
  setup();
  f(); // warm-up (JIT)
  let ms = 0;
  for (let i = 0; i < reps; i++) {
    setup();
    const t0 = performance.now();
    r = f();
    ms += performance.now() - t0;
  }
  ms /= reps;
  console.log(`${label.padEnd(48)} ${ms.toFixed(1)} ms`);
  expect(ms).toBeLessThan(1000);
  return r;
}

describe('500-node flow', () => {
  it('Timings_500Nodes_UnderOneSecondEach', () => {
    const text = bigFlow(500);
    console.log(`flow: ${text.length} bytes, ${text.split('\n').length} lines`);
    const g = time('YAML → canvas (parse + model + graph)', () => toGraph(parseFlow(text).model!, emptyCanvas()));
    expect(g.nodes.length).toBe(501);
    time('canvas → YAML: connect n499 → n0', () => connect(text, 'l:n499', 'l:n0'));
    time('canvas → YAML: set description of n250', () => setField(text, 'l:n250', ['description'], 'Changed'));
    time('canvas → YAML: add LLM node', () => addNode(text, 'llm'));
    time('canvas → YAML: rename n10 (updates references)', () => renameNode(text, 'l:n10', 'ten'));
    // What the editor does per canvas edit: the current text is already parsed (cached);
    // the edit splices the text, then the canvas is re-derived from the new text.
    const warm = () => {
      clearParseCache();
      parseFlow(text);
    };
    time('edit + re-derive canvas (connect, UI path)', () => toGraph(parseFlow(connect(text, 'l:n499', 'l:n0')).model!, emptyCanvas()), warm);
    time('edit + re-derive canvas (rename, UI path)', () => toGraph(parseFlow(renameNode(text, 'l:n10', 'ten')).model!, emptyCanvas()), warm);
  }, 120_000);
});
