import { useState } from 'react';
import { Link } from 'react-router';
import { DRAG_TYPE } from './Canvas';

const builtIn = [
  { kind: 'trigger', icon: '🎯', label: 'Trigger', hint: 'Webhook, schedule or manual start' },
  { kind: 'llm', icon: '🤖', label: 'LLM Call', hint: 'An agent that asks a model' },
  { kind: 'http', icon: '🌐', label: 'HTTP Request', hint: 'Calls a URL' },
  { kind: 'code', icon: '📝', label: 'Code Block', hint: 'WASM module (AssemblyScript)' },
  { kind: 'branch', icon: '◇', label: 'Conditional', hint: 'XPath cases choose a peer' },
  { kind: 'output', icon: '📤', label: 'Output', hint: 'The run result' },
];

/** Drag an item onto the canvas (or double-click it) to add a node. */
export function Palette({ onAdd, disabled }: { onAdd: (kind: string) => void; disabled: boolean }) {
  const [tab, setTab] = useState<'builtin' | 'market' | 'custom'>('builtin');
  return (
    <aside className="palette" data-testid="palette">
      <div className="tabs">
        <button className={tab === 'builtin' ? 'on' : ''} onClick={() => setTab('builtin')}>Built-in</button>
        <button className={tab === 'market' ? 'on' : ''} onClick={() => setTab('market')}>Market</button>
        <button className={tab === 'custom' ? 'on' : ''} onClick={() => setTab('custom')}>Custom</button>
      </div>
      {tab === 'builtin' &&
        builtIn.map((b) => (
          <div
            key={b.kind}
            className={`palette-item${disabled ? ' disabled' : ''}`}
            draggable={!disabled}
            onDragStart={(e) => {
              e.dataTransfer.setData(DRAG_TYPE, b.kind);
              e.dataTransfer.setData('text/plain', b.kind);
              e.dataTransfer.effectAllowed = 'copy';
            }}
            onDoubleClick={() => !disabled && onAdd(b.kind)}
            title={b.hint}
            data-testid={`palette-${b.kind}`}
          >
            <span className="icon">{b.icon}</span> {b.label}
          </div>
        ))}
      {tab === 'market' && <p className="muted small">Tools and templates arrive with the marketplace. <Link to="/marketplace">Browse</Link></p>}
      {tab === 'custom' && <p className="muted small">Your WASM modules appear here once uploaded; add a Code Block and set its <code>module</code>.</p>}
    </aside>
  );
}
