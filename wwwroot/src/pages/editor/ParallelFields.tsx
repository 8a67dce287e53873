// Inspector fields of the parallel kinds: a Parallel node's branches, a Join's expect/deadline/result,
// a Map's worker and limits, a Sequence's ordered steps. Every change is one YAML edit (set).
import type { FlowModel, ListenerModel } from '../../flow/model';
import { Field } from './Field';

type Setter = (path: (string | number)[], value: unknown) => void;

/** Config keys these fields edit (the generic config list leaves them out). */
export const parallelKeys: Record<string, string[]> = {
  fanout: ['fanout'],
  join: ['expect', 'timeout_ms', 'output'],
  map: ['to', 'item_class', 'items', 'concurrency', 'max_items', 'timeout_ms', 'output'],
  sequence: ['steps', 'on_error'],
};

/** A whole number from a field, or undefined (the key is removed) when empty. */
const whole = (s: string) => (s.trim() === '' ? undefined : Number.isInteger(Number(s)) ? Number(s) : s);

export function ParallelFields({ l, model, set, readOnly }: { l: ListenerModel; model: FlowModel; set: Setter; readOnly: boolean }) {
  const config = l.config ?? {};
  const others = model.listeners.filter((o) => o.name !== l.name);
  const text = (k: string) => (config[k] === undefined || config[k] === null ? '' : String(config[k]));
  const result = <Field label="Result class" value={text('output')} list="payload-classes" onCommit={(v) => set(['config', 'output'], v || undefined)} disabled={readOnly} testId="insp-output" />;
  const deadline = <Field label="Timeout (ms)" value={text('timeout_ms')} onCommit={(v) => set(['config', 'timeout_ms'], whole(v))} disabled={readOnly} testId="insp-timeout" />;
  if (l.handler === 'fanout' || l.fanout.length > 0) {
    const toggle = (name: string, on: boolean) => set(['config', 'fanout'], on ? [...l.fanout, name] : l.fanout.filter((x) => x !== name));
    return (
      <fieldset data-testid="insp-fanout">
        <legend>Parallel branches</legend>
        <p className="muted small">Each gets the payload at once; a Join collects their answers.</p>
        {others.map((o) => (
          <label key={o.name} className="check">
            <input type="checkbox" checked={l.fanout.includes(o.name)} disabled={readOnly} onChange={(e) => toggle(o.name, e.target.checked)} /> {o.name}
          </label>
        ))}
      </fieldset>
    );
  }
  if (l.handler === 'join') {
    const expect = Array.isArray(config.expect) ? (config.expect as unknown[]).join(', ') : text('expect');
    const readExpect = (v: string) => {
      if (v.trim() === '') return undefined;
      if (/^\d+$/.test(v.trim())) return Number(v.trim());
      return v.split(',').map((x) => x.trim()).filter(Boolean);
    };
    return (
      <fieldset data-testid="insp-join">
        <legend>Join</legend>
        <Field label="Expect (branch names in result order, or a count; empty = every branch)" value={expect} onCommit={(v) => set(['config', 'expect'], readExpect(v))} disabled={readOnly} testId="insp-expect" />
        {deadline}
        {result}
      </fieldset>
    );
  }
  if (l.handler === 'map') {
    return (
      <fieldset data-testid="insp-map">
        <legend>Map</legend>
        <label className="field"><span>Each item to</span>
          <select value={l.mapTo ?? ''} disabled={readOnly} onChange={(e) => set(['config', 'to'], e.target.value || undefined)} data-testid="insp-map-to">
            <option value="">(none)</option>
            {others.map((o) => <option key={o.name}>{o.name}</option>)}
          </select>
        </label>
        <Field label="Item class" value={text('item_class')} list="payload-classes" onCommit={(v) => set(['config', 'item_class'], v || undefined)} disabled={readOnly} />
        <Field label="List field (empty = the only one)" value={text('items')} onCommit={(v) => set(['config', 'items'], v || undefined)} disabled={readOnly} />
        <Field label="Concurrency" value={text('concurrency')} onCommit={(v) => set(['config', 'concurrency'], whole(v))} disabled={readOnly} />
        <Field label="Max items" value={text('max_items')} onCommit={(v) => set(['config', 'max_items'], whole(v))} disabled={readOnly} />
        {deadline}
        {result}
      </fieldset>
    );
  }
  if (l.handler === 'sequence') {
    const steps = l.steps;
    const move = (i: number, by: number) => {
      const next = [...steps];
      [next[i], next[i + by]] = [next[i + by], next[i]];
      set(['config', 'steps'], next);
    };
    return (
      <fieldset data-testid="insp-sequence">
        <legend>Steps, in order</legend>
        <ol className="steps-list">
          {steps.map((s, i) => (
            <li key={`${s}-${i}`}>
              <span>{s}</span>
              {!readOnly && (
                <>
                  <button className="link" disabled={i === 0} title="Earlier" onClick={() => move(i, -1)}>up</button>
                  <button className="link" disabled={i === steps.length - 1} title="Later" onClick={() => move(i, 1)}>down</button>
                  <button className="link danger" title="Remove step" onClick={() => set(['config', 'steps'], steps.filter((_, j) => j !== i))}>remove</button>
                </>
              )}
            </li>
          ))}
        </ol>
        {!readOnly && (
          <select value="" onChange={(e) => e.target.value && set(['config', 'steps'], [...steps, e.target.value])} data-testid="insp-add-step">
            <option value="">Add a step…</option>
            {others.map((o) => <option key={o.name}>{o.name}</option>)}
          </select>
        )}
        <label className="field"><span>On error</span>
          <select value={text('on_error') || 'fail'} disabled={readOnly} onChange={(e) => set(['config', 'on_error'], e.target.value === 'fail' ? undefined : e.target.value)}>
            <option value="fail">fail (stop the sequence)</option>
            <option value="continue">continue (skip the step)</option>
          </select>
        </label>
      </fieldset>
    );
  }
  return null;
}
