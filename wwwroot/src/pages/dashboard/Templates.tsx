import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { FlowTemplate } from '../../api/types';

/** "Start from a template": one card per bundled example; a click creates the flow and opens it. */
export function Templates({ onPick, editable }: { onPick: (t: FlowTemplate) => void; editable: boolean }) {
  const [templates, setTemplates] = useState<FlowTemplate[] | null>(null);
  useEffect(() => {
    api.templates().then(setTemplates, () => setTemplates([]));
  }, []);
  return (
    <section className="templates" data-testid="templates">
      <h2>Start from a template</h2>
      <p className="muted small">
        Each opens as a new flow you can run at once. New here? Read the <a href="/openapi">API reference</a> or the docs
        in the repository (<code>docs/organism-yaml.md</code>: every key of a flow).
      </p>
      {templates === null ? <p className="muted">Loading templates…</p> : (
        <div className="template-grid">
          {templates.map((t) => (
            <button key={t.id} className="template-card" disabled={!editable} onClick={() => onPick(t)} data-testid={`template-${t.id}`} title={t.summary}>
              <b>{t.name}</b>
              <span className="muted small">{t.description}</span>
              <span className="muted tiny">{t.id}.yaml</span>
            </button>
          ))}
        </div>
      )}
    </section>
  );
}
