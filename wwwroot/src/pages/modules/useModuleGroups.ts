import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { groupModules, type ModuleGroup } from './moduleRef';

/** The tenant's WASM modules grouped by name (null while loading), or the error that stopped the load. */
export function useModuleGroups(): { groups: ModuleGroup[] | null; error: string | null } {
  const [groups, setGroups] = useState<ModuleGroup[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.modules().then((m) => live && setGroups(groupModules(m)), (e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, []);
  return { groups, error };
}
