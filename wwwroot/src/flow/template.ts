/**
 * The organism.yaml a new flow starts from: the smallest valid flow (the server refuses to save
 * a flow with problems), a webhook trigger handing its payload to an output.
 */
export function newFlowYaml(name: string): string {
  const safe = /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
  return `organism:
  name: ${safe}
payloads:
  Message: {fields: {Text: string}}
triggers:
  - {name: start, type: webhook, target: done, payload: Message}
listeners:
  - {name: done, description: The result, payload_class: Message, handler: output}
`;
}

/** A flow name as a slug usable in organism.name. */
export function slug(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'flow';
}
