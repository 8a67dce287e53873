import type { Problem } from '../../api/types';
import type { YamlError } from '../../flow/model';
import { ErrorIcon, WarningIcon } from '../../components/icons';

/** Validation problems; clicking one jumps to its YAML line (opening the split view). */
export function ProblemsList({ problems, warnings = [], yamlError, onJump }: { problems: Problem[]; warnings?: Problem[]; yamlError: YamlError | null; onJump: (line: number) => void }) {
  if (!problems.length && !warnings.length && !yamlError) return null;
  return (
    <div className="problems" data-testid="problems">
      {yamlError && (
        <button className="problem error" onClick={() => onJump(yamlError.line)}>
          <ErrorIcon size={14} /> line {yamlError.line}: {yamlError.message} <span className="muted">(canvas shows the last valid YAML)</span>
        </button>
      )}
      {problems.map((p, i) => (
        <button key={i} className="problem" onClick={() => onJump(p.line)} data-testid="problem">
          <WarningIcon size={14} /> line {p.line}: {p.message} <span className="muted">{p.code}</span>
        </button>
      ))}
      {warnings.map((p, i) => (
        <button key={`w${i}`} className="problem warning" onClick={() => onJump(p.line)} data-testid="warning">
          <WarningIcon size={14} /> line {p.line}: {p.message} <span className="muted">{p.code} · warning, saving still works</span>
        </button>
      ))}
    </div>
  );
}
