import { describe, expect, it } from 'vitest';
import { initialValues, inputType, toPayload } from './payloadForm';

const fields = [
  { name: 'Subject', type: 'string', optional: false },
  { name: 'Priority', type: 'int', optional: true },
  { name: 'Urgent', type: 'bool', optional: false },
  { name: 'Tags', type: 'list', optional: true },
];

describe('payload form', () => {
  it('ToPayload_TypedValues_Converted', () => {
    const v = { ...initialValues(fields), Subject: 'Hi', Priority: '3', Urgent: true, Tags: '["a"]' };
    expect(toPayload(fields, v)).toEqual({ payload: { Subject: 'Hi', Priority: 3, Urgent: true, Tags: ['a'] }, errors: [] });
  });

  it('ToPayload_MissingRequiredAndBadInt_Errors', () => {
    const v = { ...initialValues(fields), Priority: '3.5' };
    expect(toPayload(fields, v).errors).toEqual(['Subject is required', 'Priority must be a whole number']);
  });

  it('InputType_Kinds_Mapped', () => {
    expect(['string', 'int', 'bool', 'xml', 'datetime'].map(inputType)).toEqual(['text', 'number', 'checkbox', 'textarea', 'datetime-local']);
  });
});
