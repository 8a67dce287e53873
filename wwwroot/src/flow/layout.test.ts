import { describe, expect, it } from 'vitest';
import { backEdges } from './graph';
import { layoutFlow } from './layout';
import { parseFlow } from './model';

// Written in reverse order on purpose: the file order must not decide what loops back.
const reversed = `organism:
  name: r
payloads:
  M: {fields: {T: string}}
triggers:
  - {name: start, type: webhook, target: first, payload: M}
listeners:
  - {name: third, description: c, payload_class: M, handler: output}
  - {name: second, description: b, payload_class: M, handler: code, peers: [third], config: {wat: "(module)"}}
  - {name: first, description: a, payload_class: M, handler: code, peers: [second], config: {wat: "(module)"}}
`;

const cycle = `organism:
  name: c
payloads:
  M: {fields: {T: string}}
triggers:
  - {name: start, type: webhook, target: writer, payload: M}
listeners:
  - {name: writer, description: w, payload_class: M, handler: llm, agent: true, peers: [writer, check]}
  - {name: check, description: c, payload_class: M, handler: branch, config: {cases: [{if: "T = 'x'", to: writer}], else: done}}
  - {name: done, description: d, payload_class: M, handler: output}
`;

describe('the canvas draws the graph, not the file order', () => {
  it('a forward chain written backwards has no back-edge', () => {
    expect([...backEdges(parseFlow(reversed).model!)]).toEqual([]);
  });

  it('a self-loop and an edge closing a cycle are back-edges; the forward ones are not', () => {
    const back = backEdges(parseFlow(cycle).model!);
    expect([...back].sort()).toEqual(['check->writer', 'writer->writer']);
  });

  it('the layout puts each node right of what feeds it, whatever the YAML order', () => {
    const pos = layoutFlow(parseFlow(reversed).model!);
    expect(pos['t:start'].x).toBeLessThan(pos['l:first'].x);
    expect(pos['l:first'].x).toBeLessThan(pos['l:second'].x);
    expect(pos['l:second'].x).toBeLessThan(pos['l:third'].x);
  });

  it('a cycle does not pull its start back: writer before check before done', () => {
    const pos = layoutFlow(parseFlow(cycle).model!);
    expect(pos['l:writer'].x).toBeLessThan(pos['l:check'].x);
    expect(pos['l:check'].x).toBeLessThan(pos['l:done'].x);
  });
});
