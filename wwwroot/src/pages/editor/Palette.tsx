import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { MarketplaceInstall } from '../../api/types';
import { Link } from 'react-router';
import { formatBytes, moduleDragData } from '../modules/moduleRef';
import { useModuleGroups } from '../modules/useModuleGroups';
import { KindIcon } from '../../components/icons';
import { DRAG_TYPE } from './Canvas';

const builtIn = [
  { kind: 'trigger', label: 'Trigger', hint: 'Webhook, schedule or manual start' },
  { kind: 'llm', label: 'LLM Call', hint: 'An agent that asks a model' },
  { kind: 'http', label: 'HTTP Request', hint: 'Calls a URL' },
  { kind: 'code', label: 'Code Block', hint: 'WASM module (AssemblyScript)' },
  { kind: 'branch', label: 'Conditional', hint: 'XPath cases choose a peer' },
  { kind: 'output', label: 'Output', hint: 'The run result' },
  { kind: 'fanout', label: 'Parallel', hint: 'Sends to several listeners at once (fan-out)' },
  { kind: 'join', label: 'Join', hint: 'Collects the parallel answers into one result' },
  { kind: 'map', label: 'Map', hint: 'Calls a listener once per item of a list' },
  { kind: 'sequence', label: 'Sequence', hint: 'Runs listeners one after another' },
];

function startDrag(e: React.DragEvent, data: string) {
  e.dataTransfer.setData(DRAG_TYPE, data);
  e.dataTransfer.setData('text/plain', data);
  e.dataTransfer.effectAllowed = 'copy';
}

/** The Custom tab: the tenant's WASM modules, newest version of each; dropping one adds a code block using it. */
function CustomModules({ onAdd, disabled }: { onAdd: (kind: string) => void; disabled: boolean }) {
  const { groups, error } = useModuleGroups();
  if (error) return <p className="error-text">{error}</p>;
  if (groups === null) return <p className="muted small">Loading…</p>;
  if (groups.length === 0) {
    return <p className="muted small" data-testid="custom-empty">No modules yet. <Link to="/modules">Upload a WASM module</Link>, then drag it here onto the canvas.</p>;
  }
  return (
    <>
      {groups.map((g) => {
        const data = moduleDragData(g.name, g.latest.version);
        return (
          <div
            key={g.name}
            className={`palette-item${disabled ? ' disabled' : ''}`}
            draggable={!disabled}
            onDragStart={(e) => startDrag(e, data)}
            onDoubleClick={() => !disabled && onAdd(data)}
            title={`${g.name}@${g.latest.version} · ${g.latest.kind} · ${formatBytes(g.latest.size)}${g.versions.length > 1 ? ` · ${g.versions.length} versions` : ''}`}
            data-testid={`palette-module-${g.name}`}
          >
            <span className="palette-icon k-module"><KindIcon kind="module" size={14} /></span><span className="palette-label">{g.name}<span className="muted small">@{g.latest.version}</span></span>
          </div>
        );
      })}
      <p className="muted small"><Link to="/modules">Manage modules</Link></p>
    </>
  );
}

/** The Marketplace tab: the tenant's installed tools; dropping one adds a code block using `module: publisher/name@MAJOR`. */
function InstalledTools({ onAdd, disabled }: { onAdd: (kind: string) => void; disabled: boolean }) {
  const [installs, setInstalls] = useState<MarketplaceInstall[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.installs().then((l) => setInstalls(l.filter((i) => i.kind === 'tool')), (e) => setError(errorMessage(e)));
  }, []);
  if (error) return <p className="error-text">{error}</p>;
  if (installs === null) return <p className="muted small">Loading…</p>;
  return (
    <>
      {installs.length === 0 && (
        <p className="muted small" data-testid="market-empty">No tools installed. <Link to="/marketplace?tab=tools">Browse the marketplace</Link>, install a tool, then drag it here onto the canvas.</p>
      )}
      {installs.map((i) => {
        const data = moduleDragData(i.listingId, i.major);
        return (
          <div
            key={i.id}
            className={`palette-item${disabled ? ' disabled' : ''}`}
            draggable={!disabled}
            onDragStart={(e) => startDrag(e, data)}
            onDoubleClick={() => !disabled && onAdd(data)}
            title={`${i.module} · installed ${i.version}${i.pendingVersion ? ` · ${i.pendingVersion} awaits approval` : ''}\n${i.permissionSummary.join('\n')}`}
            data-testid={`palette-tool-${i.listingId}`}
          >
            <span className="palette-icon k-module"><KindIcon kind="module" size={14} /></span><span className="palette-label">{i.listingId}<span className="muted small">@{i.major}</span></span>
          </div>
        );
      })}
      {installs.length > 0 && <p className="muted small"><Link to="/marketplace?tab=tools">Marketplace</Link></p>}
    </>
  );
}

/** Drag an item onto the canvas (or double-click it) to add a node. */
export function Palette({ onAdd, disabled }: { onAdd: (kind: string) => void; disabled: boolean }) {
  const [tab, setTab] = useState<'builtin' | 'market' | 'custom'>('builtin');
  return (
    <aside className="palette" data-testid="palette">
      <div className="tabs">
        <button className={tab === 'builtin' ? 'on' : ''} onClick={() => setTab('builtin')}>Built-in</button>
        <button className={tab === 'market' ? 'on' : ''} onClick={() => setTab('market')} data-testid="palette-tab-market">Marketplace</button>
        <button className={tab === 'custom' ? 'on' : ''} onClick={() => setTab('custom')} data-testid="palette-tab-custom">Custom</button>
      </div>
      {tab === 'builtin' &&
        builtIn.map((b) => (
          <div
            key={b.kind}
            className={`palette-item${disabled ? ' disabled' : ''}`}
            draggable={!disabled}
            onDragStart={(e) => startDrag(e, b.kind)}
            onDoubleClick={() => !disabled && onAdd(b.kind)}
            title={b.hint}
            data-testid={`palette-${b.kind}`}
          >
            <span className={`palette-icon k-${b.kind}`}><KindIcon kind={b.kind} size={14} /></span><span className="palette-label">{b.label}</span>
          </div>
        ))}
      {tab === 'market' && <InstalledTools onAdd={onAdd} disabled={disabled} />}
      {tab === 'custom' && <CustomModules onAdd={onAdd} disabled={disabled} />}
    </aside>
  );
}
