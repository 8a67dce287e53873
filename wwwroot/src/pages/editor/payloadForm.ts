// The inject dialog's form, generated from a payload class's declared fields.
import type { PayloadField } from '../../flow/model';

export type FormValues = Record<string, string | boolean>;

export function initialValues(fields: PayloadField[]): FormValues {
  const v: FormValues = {};
  for (const f of fields) v[f.name] = f.type === 'bool' ? false : '';
  return v;
}

export function inputType(t: string): 'text' | 'number' | 'checkbox' | 'datetime-local' | 'textarea' {
  switch (t) {
    case 'int':
    case 'float':
      return 'number';
    case 'bool':
      return 'checkbox';
    case 'datetime':
      return 'datetime-local';
    case 'xml':
    case 'list':
    case 'object':
      return 'textarea';
    default:
      return 'text';
  }
}

/** Converts form values to the JSON payload, or lists what is wrong. */
export function toPayload(fields: PayloadField[], values: FormValues): { payload: Record<string, unknown>; errors: string[] } {
  const payload: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const f of fields) {
    const raw = values[f.name];
    if (f.type === 'bool') {
      payload[f.name] = raw === true;
      continue;
    }
    const s = typeof raw === 'string' ? raw : '';
    if (s.trim() === '') {
      if (!f.optional) errors.push(`${f.name} is required`);
      continue;
    }
    if (f.type === 'int') {
      if (!/^-?\d+$/.test(s.trim())) errors.push(`${f.name} must be a whole number`);
      else payload[f.name] = Number(s);
    } else if (f.type === 'float') {
      const n = Number(s);
      if (Number.isNaN(n)) errors.push(`${f.name} must be a number`);
      else payload[f.name] = n;
    } else if (f.type === 'list' || f.type === 'object') {
      try {
        payload[f.name] = JSON.parse(s);
      } catch {
        errors.push(`${f.name} must be JSON`);
      }
    } else payload[f.name] = s;
  }
  return { payload, errors };
}
