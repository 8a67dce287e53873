/** The organism.yaml a new flow starts from. */
export function newFlowYaml(name: string): string {
  const safe = /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
  return `organism:
  name: ${safe}
payloads:
  Message: {fields: {Text: string}}
triggers: []
listeners: []
`;
}

/** A flow name as a slug usable in organism.name. */
export function slug(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'flow';
}
