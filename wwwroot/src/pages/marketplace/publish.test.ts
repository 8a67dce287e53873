import { describe, expect, it } from 'vitest';
import { listingNameOf, templateInputsOf } from './publish';

describe('publish helpers', () => {
  it('TemplateInputsOf_FindsEachInputOnceInOrder', () => {
    const yaml = 'a: "${{ inputs.label }}"\nb: ${{inputs.url}} and ${{ inputs.label }}\nc: ${{ secrets.KEY }}';
    expect(templateInputsOf(yaml)).toEqual(['label', 'url']);
    expect(templateInputsOf('no inputs')).toEqual([]);
  });

  it('ListingNameOf_KebabCaseAtMost64', () => {
    expect(listingNameOf('My Help Desk!')).toBe('my-help-desk');
    expect(listingNameOf('json_path_pick')).toBe('json-path-pick');
    expect(listingNameOf('***')).toBe('my-listing');
    const long = listingNameOf('a'.repeat(63) + ' b');
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long.endsWith('-')).toBe(false);
  });
});
