import { Link } from 'react-router';
import { KindIcon } from '../../components/icons';
import { formatModuleRef, isMarketplaceRef, parseModuleRef, versionOptions } from '../modules/moduleRef';
import { useModuleGroups } from '../modules/useModuleGroups';

interface Props {
  /** The listener's `config.module` text (NAME or NAME@VERSION). */
  module: string;
  readOnly: boolean;
  /** Writes the new reference; the editor splices just that value into the YAML. */
  onChange: (module: string) => void;
}

/** A code block's registered module, with a select of its versions and "latest" (a bare NAME). */
export function ModuleVersionField({ module, readOnly, onChange }: Props) {
  const ref = parseModuleRef(module);
  if (ref && isMarketplaceRef(ref.name)) {
    return (
      <div className="insp-module">
        <p className="muted small" data-testid="insp-module">
          <KindIcon kind="module" size={13} /> Runs the installed marketplace tool <code>{module}</code> (<Link to={`/marketplace?tab=tools&listing=${encodeURIComponent(ref.name)}`}>listing</Link>):
          the installed version of major {ref.version ?? '?'}, checked against its signature and digest at every load.
        </p>
      </div>
    );
  }
  return <OwnModuleField module={module} readOnly={readOnly} onChange={onChange} />;
}

function OwnModuleField({ module, readOnly, onChange }: Props) {
  const ref = parseModuleRef(module);
  const { groups, error } = useModuleGroups();
  const group = ref ? groups?.find((g) => g.name === ref.name) : undefined;
  return (
    <div className="insp-module">
      <p className="muted small" data-testid="insp-module">
        <KindIcon kind="module" size={13} /> Runs the registered module <code>{module}</code> (<Link to="/modules">Modules</Link>). Inline code replaces it.
      </p>
      {ref && (
        <label className="field"><span>Module version</span>
          <select
            value={ref.version ?? ''}
            disabled={readOnly || groups === null}
            onChange={(e) => onChange(formatModuleRef(ref.name, e.target.value || null))}
            data-testid="insp-module-version"
          >
            {versionOptions(ref, group).map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </label>
      )}
      {groups !== null && ref && !group && <p className="error-text">No module named {ref.name} is registered.</p>}
      {error && <p className="error-text">{error}</p>}
    </div>
  );
}
