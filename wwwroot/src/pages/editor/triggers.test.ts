import { describe, expect, it } from 'vitest';
import { addNode } from '../../flow/edits';
import { toGraph, emptyCanvas } from '../../flow/graph';
import { parseFlow } from '../../flow/model';
import { curlExample, sampleBody } from './TriggerDetails';
import { nearestListener } from './useCanvasEdits';

const flow = `organism:
  name: t
payloads:
  Message: {fields: {Text: string, Count: int}}
  Other: {fields: {X: string}}
listeners:
  - {name: first, description: a, payload_class: Message, handler: output}
  - {name: second, description: b, payload_class: Other, handler: output}
`;

describe('a trigger from the palette', () => {
  it("starts the listener it is dropped next to, with that listener's class", () => {
    const model = parseFlow(flow).model!;
    const canvas = { ...emptyCanvas(), positions: { 'l:first': { x: 0, y: 0 }, 'l:second': { x: 400, y: 0 } } };
    const graph = toGraph(model, canvas);
    expect(nearestListener(graph, { x: 380, y: 20 })).toBe('second');
    expect(nearestListener(graph, { x: 10, y: 10 })).toBe('first');
    const r = addNode(flow, 'trigger', { target: 'second', payloadClass: 'Other' });
    const t = parseFlow(r.text).model!.triggers[0];
    expect(t).toMatchObject({ name: 'trigger', type: 'webhook', target: 'second', payload: 'Other' });
  });

  it('has no listener to start in an empty flow', () => {
    const model = parseFlow('organism: {name: e}\nlisteners: []\n').model!;
    expect(nearestListener(toGraph(model, emptyCanvas()), { x: 0, y: 0 })).toBeNull();
  });
});

describe('the webhook example', () => {
  it('is a body that fits the payload class and a curl that quotes it', () => {
    const model = parseFlow(flow).model!;
    expect(sampleBody(model, 'Message')).toBe('{"Text":"hello","Count":1}');
    expect(curlExample('http://h/api/triggers/f/webhook/tok', `{"a":"it's"}`)).toBe(
      "curl -X POST 'http://h/api/triggers/f/webhook/tok' \\\n  -H 'Content-Type: application/json' \\\n  -d '{\"a\":\"it'\\''s\"}'");
  });
});
