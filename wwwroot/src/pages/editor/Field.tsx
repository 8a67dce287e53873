import { useEffect, useState } from 'react';

/** A text input that commits on blur or Enter (one undo step per field edit, not per key). */
export function Field(p: { label: string; value: string; onCommit: (v: string) => void; multiline?: boolean; disabled?: boolean; testId?: string; list?: string }) {
  const [v, setV] = useState(p.value);
  useEffect(() => setV(p.value), [p.value]);
  const commit = () => v !== p.value && p.onCommit(v);
  return (
    <label className="field">
      <span>{p.label}</span>
      {p.multiline ? (
        <textarea value={v} disabled={p.disabled} onChange={(e) => setV(e.target.value)} onBlur={commit} rows={5} data-testid={p.testId} />
      ) : (
        <input
          value={v}
          disabled={p.disabled}
          list={p.list}
          onChange={(e) => setV(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') setV(p.value);
          }}
          data-testid={p.testId}
        />
      )}
    </label>
  );
}
