// Pure helpers of the Publish dialog (PublishDialog.tsx).

/** Template inputs a flow's YAML refers to (`${{ inputs.NAME }}`), in order of appearance. */
export function templateInputsOf(yaml: string): string[] {
  const ids: string[] = [];
  for (const m of yaml.matchAll(/\$\{\{\s*inputs\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)) if (!ids.includes(m[1])) ids.push(m[1]);
  return ids;
}

/** A listing name from a module or flow name: lower-case kebab-case, at most 64 characters. */
export function listingNameOf(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64).replace(/-+$/, '') || 'my-listing';
}

