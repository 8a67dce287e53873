// Canvas node shapes per the seed: Trigger circle, boxes for LLM/HTTP/Code/Output, Conditional diamond.
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';

export interface NodeData extends Record<string, unknown> {
  name: string;
  subtitle: string;
  kind: string;
  problems: string[];
}

const icons: Record<string, string> = { trigger: '🎯', llm: '🤖', http: '🌐', code: '📝', branch: '◇', output: '📤', generic: '⚙' };

function Box({ data, selected }: NodeProps) {
  const d = data as NodeData;
  const bad = d.problems.length > 0;
  return (
    <div className={`fnode fnode-${d.kind}${selected ? ' selected' : ''}${bad ? ' has-problems' : ''}`} title={bad ? d.problems.join('\n') : d.subtitle} data-testid={`node-${d.name}`}>
      <Handle type="target" position={Position.Left} />
      <div className="fnode-title"><span className="icon">{icons[d.kind] ?? '⚙'}</span>{d.name}</div>
      <div className="fnode-sub">{d.subtitle}</div>
      {bad && <div className="fnode-problem">⚠ {d.problems.length}</div>}
      {d.kind !== 'output' && <Handle type="source" position={Position.Right} />}
    </div>
  );
}

function Trigger({ data, selected }: NodeProps) {
  const d = data as NodeData;
  const bad = d.problems.length > 0;
  return (
    <div className={`fnode-circle${selected ? ' selected' : ''}${bad ? ' has-problems' : ''}`} title={bad ? d.problems.join('\n') : d.subtitle} data-testid={`node-${d.name}`}>
      <div className="icon">🎯</div>
      <div className="fnode-title">{d.name}</div>
      <div className="fnode-sub">{d.subtitle}</div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

function Diamond({ data, selected }: NodeProps) {
  const d = data as NodeData;
  const bad = d.problems.length > 0;
  return (
    <div className={`fnode-diamond-wrap${selected ? ' selected' : ''}${bad ? ' has-problems' : ''}`} title={bad ? d.problems.join('\n') : d.subtitle} data-testid={`node-${d.name}`}>
      <div className="fnode-diamond" />
      <Handle type="target" position={Position.Left} />
      <div className="fnode-diamond-label"><div className="fnode-title">{d.name}</div><div className="fnode-sub">branch</div></div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

export const nodeTypes = {
  trigger: memo(Trigger),
  llm: memo(Box),
  http: memo(Box),
  code: memo(Box),
  output: memo(Box),
  generic: memo(Box),
  branch: memo(Diamond),
};
