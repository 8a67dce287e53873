// Canvas node shapes per the seed: Trigger circle, boxes for LLM/HTTP/Code/Output, Conditional diamond;
// Parallel (fan-out) and Join as the fork/join bars of activity diagrams, Map as a stack of cards,
// Sequence as a box with an arrow-shaped end.
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { KindIcon, WarningIcon } from '../../components/icons';

export interface NodeData extends Record<string, unknown> {
  name: string;
  subtitle: string;
  kind: string;
  problems: string[];
}

/** The node's problem count; the messages are in the node's title (hover) and the problems list. */
function ProblemBadge({ problems }: { problems: string[] }) {
  if (!problems.length) return null;
  return (
    <div className="fnode-problem">
      <WarningIcon size={12} /> {problems.length} {problems.length === 1 ? 'problem' : 'problems'}
    </div>
  );
}

function Box({ data, selected }: NodeProps) {
  const d = data as NodeData;
  const bad = d.problems.length > 0;
  return (
    <div className={`fnode fnode-${d.kind}${selected ? ' selected' : ''}${bad ? ' has-problems' : ''}`} title={bad ? d.problems.join('\n') : d.subtitle} data-testid={`node-${d.name}`}>
      <Handle type="target" position={Position.Left} />
      <div className="fnode-head">
        <span className="fnode-icon"><KindIcon kind={d.kind} size={16} /></span>
        <div className="fnode-text">
          <div className="fnode-title">{d.name}</div>
          <div className="fnode-sub">{d.subtitle}</div>
        </div>
      </div>
      <ProblemBadge problems={d.problems} />
      {d.kind !== 'output' && <Handle type="source" position={Position.Right} />}
    </div>
  );
}

function Trigger({ data, selected }: NodeProps) {
  const d = data as NodeData;
  const bad = d.problems.length > 0;
  return (
    <div className={`fnode-circle${selected ? ' selected' : ''}${bad ? ' has-problems' : ''}`} title={bad ? d.problems.join('\n') : d.subtitle} data-testid={`node-${d.name}`}>
      <span className="fnode-icon"><KindIcon kind="trigger" size={18} /></span>
      <div className="fnode-title">{d.name}</div>
      <div className="fnode-sub">{d.subtitle}</div>
      <ProblemBadge problems={d.problems} />
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
      <div className="fnode-diamond-label">
        <span className="fnode-icon"><KindIcon kind="branch" size={14} /></span>
        <div className="fnode-title">{d.name}</div>
        <div className="fnode-sub">branch</div>
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

/** Parallel and Join: a thick bar (where the flow splits or comes back together) with the name beside it. */
function Bar({ data, selected }: NodeProps) {
  const d = data as NodeData;
  const bad = d.problems.length > 0;
  return (
    <div className={`fnode-barwrap fnode-${d.kind}${selected ? ' selected' : ''}${bad ? ' has-problems' : ''}`} title={bad ? d.problems.join('\n') : d.subtitle} data-testid={`node-${d.name}`}>
      <Handle type="target" position={Position.Left} />
      <div className="fnode-bar" />
      <div className="fnode-bar-label">
        <span className="fnode-icon"><KindIcon kind={d.kind} size={14} /></span>
        <div className="fnode-text">
          <div className="fnode-title">{d.name}</div>
          <div className="fnode-sub">{d.subtitle}</div>
        </div>
      </div>
      <ProblemBadge problems={d.problems} />
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

/** Map and Sequence: a box with their own outline (a stack of cards; an arrow-shaped end). */
function Shaped(props: NodeProps) {
  const d = props.data as NodeData;
  return <div className={`fnode-shape fnode-shape-${d.kind}`}><Box {...props} /></div>;
}

export const nodeTypes = {
  trigger: memo(Trigger),
  llm: memo(Box),
  http: memo(Box),
  code: memo(Box),
  output: memo(Box),
  generic: memo(Box),
  branch: memo(Diamond),
  fanout: memo(Bar),
  join: memo(Bar),
  map: memo(Shaped),
  sequence: memo(Shaped),
};
