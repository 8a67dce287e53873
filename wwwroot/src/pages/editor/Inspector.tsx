import { useState } from 'react';
import type { FlowModel, ListenerModel, TriggerModel } from '../../flow/model';
import { readValue, showValue } from './configValue';
import { Field } from './Field';
import { ModuleVersionField } from './ModuleVersionField';
import { parallelKeys, ParallelFields } from './ParallelFields';
import { KindIcon, LoopIcon } from '../../components/icons';
import { kindOf } from '../../flow/graph';
import { TriggerDetails, type FlowFacts } from './TriggerDetails';

type Setter = (path: (string | number)[], value: unknown) => void;

interface Props {
  model: FlowModel;
  selectedId: string | null;
  readOnly: boolean;
  set: Setter;
  onOpenCode: (listener: string) => void;
  /** The saved flow, for what only the server knows (webhook URLs, next fire times). */
  flow?: FlowFacts;
}

export function Inspector({ model, selectedId, readOnly, set, onOpenCode, flow }: Props) {
  if (!selectedId) return <aside className="inspector muted small" data-testid="inspector">Select a node to edit it.</aside>;
  const name = selectedId.slice(2);
  if (selectedId.startsWith('t:')) {
    const t = model.triggers.find((x) => x.name === name);
    return t ? <TriggerInspector t={t} model={model} set={set} readOnly={readOnly} flow={flow} /> : null;
  }
  const l = model.listeners.find((x) => x.name === name);
  return l ? <ListenerInspector l={l} model={model} set={set} readOnly={readOnly} onOpenCode={onOpenCode} /> : null;
}

function classList(model: FlowModel) {
  return (
    <datalist id="payload-classes">
      {Object.keys(model.payloads).map((c) => <option key={c} value={c} />)}
    </datalist>
  );
}

function TriggerInspector({ t, model, set, readOnly, flow }: { t: TriggerModel; model: FlowModel; set: Setter; readOnly: boolean; flow?: FlowFacts }) {
  return (
    <aside className="inspector" data-testid="inspector">
      <h3 className="insp-head"><span className="palette-icon k-trigger"><KindIcon kind="trigger" size={14} /></span>Trigger</h3>
      {classList(model)}
      <Field label="Name" value={t.name} onCommit={(v) => set(['name'], v)} disabled={readOnly} testId="insp-name" />
      <label className="field"><span>Type</span>
        <select value={t.type} disabled={readOnly} onChange={(e) => set(['type'], e.target.value)}>
          {['webhook', 'schedule', 'manual'].map((x) => <option key={x}>{x}</option>)}
        </select>
      </label>
      <Field label="Payload class" value={t.payload} list="payload-classes" onCommit={(v) => set(['payload'], v)} disabled={readOnly} />
      <label className="field"><span>Target</span>
        <select value={t.target} disabled={readOnly} onChange={(e) => set(['target'], e.target.value || undefined)} data-testid="trigger-target">
          <option value="">(pick the listener it starts)</option>
          {model.listeners.map((l) => <option key={l.name}>{l.name}</option>)}
        </select>
      </label>
      {!t.target && <p className="error-banner small" data-testid="trigger-needs-target">Pick the listener this trigger starts, or draw an edge from the trigger to it.</p>}
      {t.type === 'schedule' && <Field label="Cron" value={t.cron ?? ''} onCommit={(v) => set(['cron'], v || undefined)} disabled={readOnly} />}
      {flow && <TriggerDetails t={t} model={model} flow={flow} />}
    </aside>
  );
}

function ListenerInspector({ l, model, set, readOnly, onOpenCode }: { l: ListenerModel; model: FlowModel; set: Setter; readOnly: boolean; onOpenCode: (n: string) => void }) {
  const [newKey, setNewKey] = useState('');
  const config = l.config ?? {};
  const togglePeer = (p: string, on: boolean) => set(['peers'], on ? [...l.peers, p] : l.peers.filter((x) => x !== p));
  return (
    <aside className="inspector" data-testid="inspector">
      <h3 className="insp-head"><span className={`palette-icon k-${kindOf(l.handler)}`}><KindIcon kind={kindOf(l.handler)} size={14} /></span>{l.handler} listener</h3>
      {classList(model)}
      <Field label="Name" value={l.name} onCommit={(v) => set(['name'], v)} disabled={readOnly} testId="insp-name" />
      <Field label="Description" value={l.description} onCommit={(v) => set(['description'], v)} disabled={readOnly} testId="insp-description" />
      <Field label="Payload class" value={l.payloadClass} list="payload-classes" onCommit={(v) => set(['payload_class'], v)} disabled={readOnly} />
      <label className="field"><span>Handler</span>
        <select value={l.handler} disabled={readOnly} onChange={(e) => set(['handler'], e.target.value)}>
          {['llm', 'http', 'code', 'branch', 'output', 'fanout', 'join', 'map', 'sequence', 'dotnet'].map((x) => <option key={x}>{x}</option>)}
        </select>
      </label>
      {l.handler === 'llm' && (
        <>
          <label className="check"><input type="checkbox" checked={l.agent} disabled={readOnly} onChange={(e) => set(['agent'], e.target.checked)} /> agent</label>
          <Field label="Prompt" multiline value={l.prompt ?? ''} onCommit={(v) => set(['prompt'], v || undefined)} disabled={readOnly} testId="insp-prompt" />
        </>
      )}
      {l.handler === 'code' && typeof config.module === 'string' && (
        <ModuleVersionField module={config.module} readOnly={readOnly} onChange={(m) => set(['config', 'module'], m)} />
      )}
      {l.handler === 'code' && <button onClick={() => onOpenCode(l.name)} data-testid="open-code">{typeof config.module === 'string' ? 'Write inline code instead…' : 'Edit code…'}</button>}
      <fieldset>
        <legend>Peers</legend>
        {model.listeners.map((o) => (
          <label key={o.name} className="check">
            <input type="checkbox" checked={l.peers.includes(o.name)} disabled={readOnly} onChange={(e) => togglePeer(o.name, e.target.checked)} />
            {o.name}{o.index <= l.index && <span className="loop-mark" title="Loops back: this peer comes earlier in the flow"><LoopIcon size={12} /><span className="sr-only">loops back</span></span>}
          </label>
        ))}
      </fieldset>
      {l.handler === 'branch' && <CasesEditor l={l} set={set} readOnly={readOnly} />}
      <ParallelFields l={l} model={model} set={set} readOnly={readOnly} />
      <fieldset>
        <legend>Config</legend>
        {Object.entries(config).filter(([k]) => !(l.handler === 'branch' && (k === 'cases' || k === 'else')) && !(parallelKeys[l.handler] ?? (l.fanout.length ? ['fanout'] : [])).includes(k)).map(([k, v]) => (
          <div className="kv" key={k}>
            <Field label={k} value={showValue(v)} onCommit={(s) => set(['config', k], readValue(s))} disabled={readOnly} />
            {!readOnly && <button className="link danger" title="Remove key" onClick={() => set(['config', k], undefined)}>×</button>}
          </div>
        ))}
        {!readOnly && (
          <div className="row">
            <input placeholder="new key" value={newKey} onChange={(e) => setNewKey(e.target.value)} />
            <button disabled={!newKey || newKey in config} onClick={() => { set(['config', newKey], ''); setNewKey(''); }}>Add</button>
          </div>
        )}
      </fieldset>
    </aside>
  );
}

function CasesEditor({ l, set, readOnly }: { l: ListenerModel; set: Setter; readOnly: boolean }) {
  const raw = (Array.isArray(l.config?.cases) ? l.config!.cases : []) as Record<string, unknown>[];
  return (
    <fieldset>
      <legend>Cases (first match wins)</legend>
      {raw.map((c, i) => (
        <div key={i} className="case">
          <Field label="if (XPath on the payload)" value={String(c.if ?? c.when ?? '')} onCommit={(v) => set(['config', 'cases', i, 'when' in c && !('if' in c) ? 'when' : 'if'], v)} disabled={readOnly} />
          <Field label="to" value={String(c.to ?? '')} onCommit={(v) => set(['config', 'cases', i, 'to'], v)} disabled={readOnly} />
          {!readOnly && <button className="link danger" onClick={() => set(['config', 'cases'], raw.filter((_, j) => j !== i))}>Remove case</button>}
        </div>
      ))}
      {!readOnly && <button onClick={() => set(['config', 'cases'], [...raw, { if: 'true()', to: l.peers[0] ?? '' }])}>Add case</button>}
      <Field label="else" value={l.elseTo ?? ''} onCommit={(v) => set(['config', 'else'], v || undefined)} disabled={readOnly} />
    </fieldset>
  );
}
