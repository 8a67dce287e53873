import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Problem } from '../../api/types';

/** Server validation of the YAML, debounced; problems keep their last value while typing. */
export function useValidation(text: string, enabled: boolean): Problem[] {
  const [problems, setProblems] = useState<Problem[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const t = setTimeout(() => {
      api.validate(text).then(
        (r) => live && setProblems(r.problems ?? []),
        () => live && setProblems([]),
      );
    }, 500);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text, enabled]);
  return problems;
}
