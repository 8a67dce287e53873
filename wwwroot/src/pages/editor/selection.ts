/** One node's select/deselect, as React Flow reports it in onNodesChange. */
export interface SelectChange {
  id: string;
  selected: boolean;
}

/** The selection after a person's select/deselect changes, in the order nodes were picked. */
export function nextSelection(current: string[], changes: SelectChange[]): string[] {
  const off = new Set(changes.filter((c) => !c.selected).map((c) => c.id));
  const kept = current.filter((id) => !off.has(id));
  for (const c of changes) if (c.selected && !kept.includes(c.id)) kept.push(c.id);
  return kept;
}
