import { useState } from 'react';
import type { FlowModel } from '../../flow/model';

type SetPath = (path: (string | number)[], value: unknown) => void;
const types = ['string', 'int', 'float', 'bool', 'datetime', 'xml', 'list', 'object'];

/** Payload classes (`payloads:`): add/remove classes and fields, change field types. */
export function PayloadsEditor({ model, setPath, readOnly, onClose }: { model: FlowModel; setPath: SetPath; readOnly: boolean; onClose: () => void }) {
  const [cls, setCls] = useState('');
  const [field, setField] = useState<Record<string, string>>({});
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog wide" onClick={(e) => e.stopPropagation()} data-testid="payloads-editor">
        <h2>Payload classes</h2>
        {Object.entries(model.payloads).map(([name, fields]) => (
          <div key={name} className="payload-class">
            <h4>{name} {!readOnly && <button className="link danger" onClick={() => setPath(['payloads', name], undefined)}>delete class</button>}</h4>
            <table className="list">
              <tbody>
                {fields.map((f) => (
                  <tr key={f.name}>
                    <td>{f.name}</td>
                    <td>
                      <select value={f.type} disabled={readOnly} onChange={(e) => setPath(['payloads', name, 'fields', f.name], f.optional ? { type: e.target.value, optional: true } : e.target.value)}>
                        {types.includes(f.type) ? null : <option>{f.type}</option>}
                        {types.map((t) => <option key={t}>{t}</option>)}
                      </select>
                    </td>
                    <td>
                      <label className="check"><input type="checkbox" checked={f.optional} disabled={readOnly}
                        onChange={(e) => setPath(['payloads', name, 'fields', f.name], e.target.checked ? { type: f.type, optional: true } : f.type)} /> optional</label>
                    </td>
                    <td>{!readOnly && <button className="link danger" onClick={() => setPath(['payloads', name, 'fields', f.name], undefined)}>×</button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {!readOnly && (
              <div className="row">
                <input placeholder="field name" value={field[name] ?? ''} onChange={(e) => setField({ ...field, [name]: e.target.value })} />
                <button disabled={!field[name]} onClick={() => { setPath(['payloads', name, 'fields', field[name]], 'string'); setField({ ...field, [name]: '' }); }}>Add field</button>
              </div>
            )}
          </div>
        ))}
        {!readOnly && (
          <div className="row">
            <input placeholder="NewClass" value={cls} onChange={(e) => setCls(e.target.value)} />
            <button disabled={!cls || cls in model.payloads} onClick={() => { setPath(['payloads', cls], { fields: { Text: 'string' } }); setCls(''); }}>Add class</button>
          </div>
        )}
        <div className="row end"><button onClick={onClose}>Close</button></div>
      </div>
    </div>
  );
}
