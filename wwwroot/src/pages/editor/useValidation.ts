import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Problem } from '../../api/types';

/** Server validation of the YAML, debounced; problems keep their last value while typing. Warnings never block a save. */
export function useValidation(text: string, enabled: boolean): { problems: Problem[]; warnings: Problem[] } {
  const [result, setResult] = useState<{ problems: Problem[]; warnings: Problem[] }>({ problems: [], warnings: [] });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const t = setTimeout(() => {
      api.validate(text).then(
        (r) => live && setResult({ problems: r.problems ?? [], warnings: r.warnings ?? [] }),
        () => live && setResult({ problems: [], warnings: [] }),
      );
    }, 500);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text, enabled]);
  return result;
}
