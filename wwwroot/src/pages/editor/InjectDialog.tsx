import { useState } from 'react';
import type { FlowModel } from '../../flow/model';
import { initialValues, inputType, toPayload, type FormValues } from './payloadForm';

interface Props {
  model: FlowModel;
  /** Test one node: run this listener alone with the payload (no trigger). */
  node?: string;
  /** Pinned sample inputs by listener name; the form starts from the sample of the listener it feeds. */
  samples?: Record<string, FormValues>;
  onPin?: (listener: string, values: FormValues) => void;
  onRun: (b: { payload: Record<string, unknown>; target?: string; payloadClass?: string }) => Promise<void>;
  onClose: () => void;
}

/** Run: pick a trigger, fill its payload class's fields, inject, then follow the run. */
export function InjectDialog({ model, node, samples = {}, onPin, onRun, onClose }: Props) {
  const [trig, setTrig] = useState(model.triggers[0]?.name ?? '');
  const t = node ? undefined : model.triggers.find((x) => x.name === trig);
  const listener = node ? model.listeners.find((l) => l.name === node) : undefined;
  const cls = listener?.payloadClass ?? t?.payload ?? Object.keys(model.payloads)[0] ?? '';
  const fields = model.payloads[cls] ?? [];
  const feeds = node ?? t?.target ?? '';
  const start = (k: string, f = fields) => ({ ...initialValues(f), ...(samples[k] ?? {}) });
  const [values, setValues] = useState<FormValues>(() => start(feeds));
  const [pinned, setPinned] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const r = toPayload(fields, values);
    setErrors(r.errors);
    if (r.errors.length) return;
    setBusy(true);
    try {
      await onRun({ payload: r.payload, target: node ?? (t?.target || undefined), payloadClass: cls || undefined });
    } catch (err) {
      setErrors([err instanceof Error ? err.message : String(err)]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <form className="dialog" onClick={(e) => e.stopPropagation()} onSubmit={submit} data-testid="inject-dialog">
        <h2>{node ? `Test node ${node}` : 'Run flow'}</h2>
        {node ? <p className="muted small">Runs <b>{node}</b> alone with this payload; what it sends on runs too, as in a real run.</p> : model.triggers.length > 0 ? (
          <label className="field"><span>Trigger</span>
            <select value={trig} onChange={(e) => { const nt = model.triggers.find((x) => x.name === e.target.value); setTrig(e.target.value); setValues(start(nt?.target ?? '', model.payloads[nt?.payload ?? ''] ?? [])); }}>
              {model.triggers.map((x) => <option key={x.name} value={x.name}>{x.name} → {x.target || '?'} ({x.payload})</option>)}
            </select>
          </label>
        ) : <p className="muted">No trigger: the payload goes to the listener of its class.</p>}
        <p className="muted small">Payload class <b>{cls || '?'}</b></p>
        {fields.map((f) => {
          const type = inputType(f.type);
          return (
            <label key={f.name} className={type === 'checkbox' ? 'check' : 'field'}>
              {type !== 'checkbox' && <span>{f.name} <span className="muted small">{f.type}{f.optional ? ', optional' : ''}</span></span>}
              {type === 'textarea' ? (
                <textarea name={f.name} value={String(values[f.name] ?? '')} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
              ) : type === 'checkbox' ? (
                <><input type="checkbox" name={f.name} checked={values[f.name] === true} onChange={(e) => setValues({ ...values, [f.name]: e.target.checked })} /> {f.name}</>
              ) : (
                <input name={f.name} type={type} step={f.type === 'float' ? 'any' : undefined} value={String(values[f.name] ?? '')} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
              )}
            </label>
          );
        })}
        {errors.map((x) => <div key={x} className="error-banner">{x}</div>)}
        <div className="row end">
          {onPin && feeds && (
            <button type="button" onClick={() => { onPin(feeds, values); setPinned(true); }} data-testid="inject-pin" title="Saved with the flow; the Run form starts from it">
              {pinned ? 'Pinned' : `Pin as ${feeds}'s sample input`}
            </button>
          )}
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={busy} data-testid="inject-run">{busy ? 'Starting…' : 'Run'}</button>
        </div>
      </form>
    </div>
  );
}
