// Config values are edited as one-line YAML (`0.2`, `true`, `[a, b]`, `"text"`).
import { parse } from 'yaml';
import { renderFlow } from '../../flow/render';

export function showValue(v: unknown): string {
  return typeof v === 'string' ? v : renderFlow(v);
}

/** Reads the text back: YAML scalars and flow collections typed, anything unparsable as text. */
export function readValue(s: string): unknown {
  if (s.trim() === '') return '';
  try {
    return parse(s);
  } catch {
    return s;
  }
}
