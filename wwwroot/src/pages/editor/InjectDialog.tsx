import { useState } from 'react';
import type { FlowModel } from '../../flow/model';
import { initialValues, inputType, toPayload, type FormValues } from './payloadForm';

interface Props {
  model: FlowModel;
  onRun: (b: { payload: Record<string, unknown>; target?: string; payloadClass?: string }) => Promise<void>;
  onClose: () => void;
}

/** Run: pick a trigger, fill its payload class's fields, inject, then follow the run. */
export function InjectDialog({ model, onRun, onClose }: Props) {
  const [trig, setTrig] = useState(model.triggers[0]?.name ?? '');
  const t = model.triggers.find((x) => x.name === trig);
  const cls = t?.payload ?? Object.keys(model.payloads)[0] ?? '';
  const fields = model.payloads[cls] ?? [];
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const r = toPayload(fields, values);
    setErrors(r.errors);
    if (r.errors.length) return;
    setBusy(true);
    try {
      await onRun({ payload: r.payload, target: t?.target || undefined, payloadClass: cls || undefined });
    } catch (err) {
      setErrors([err instanceof Error ? err.message : String(err)]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <form className="dialog" onClick={(e) => e.stopPropagation()} onSubmit={submit} data-testid="inject-dialog">
        <h2>Run flow</h2>
        {model.triggers.length > 0 ? (
          <label className="field"><span>Trigger</span>
            <select value={trig} onChange={(e) => { setTrig(e.target.value); setValues(initialValues(model.payloads[model.triggers.find((x) => x.name === e.target.value)?.payload ?? ''] ?? [])); }}>
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
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={busy} data-testid="inject-run">{busy ? 'Starting…' : 'Run'}</button>
        </div>
      </form>
    </div>
  );
}
