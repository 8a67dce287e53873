// Renders JS values as YAML text fragments for splicing into an existing document.
// Only the edited span is produced here; the rest of the document is never re-serialised.
import { Document, isMap, isPair, isScalar, isSeq, stringify, visit } from 'yaml';

const opts = { lineWidth: 0, flowCollectionPadding: false } as const;

/** A scalar on one line: plain when YAML would read it back as the same value, else double-quoted. */
export function renderScalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') {
    if (v.includes('\n') || v.includes('\r')) return JSON.stringify(v);
    return stringify(v, opts).trimEnd();
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return renderFlow(v);
}

/** A value in flow style on one line: `[a, b]`, `{k: v}`. */
export function renderFlow(v: unknown): string {
  if (v === null || v === undefined || typeof v !== 'object') return renderScalar(v);
  const doc = new Document(v);
  visit(doc, {
    Map: (_k, n) => { n.flow = true; },
    Seq: (_k, n) => { n.flow = true; },
    Scalar: (_k, n) => {
      if (typeof n.value === 'string' && n.value.includes('\n')) n.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString(opts).trimEnd();
}

/**
 * A value in block style, every line after the first indented by `indent` spaces.
 * Short sequences of scalars and small maps of scalars stay in flow style (`peers: [a, b]`),
 * which is how people write them by hand.
 */
export function renderBlock(v: unknown, indent: number): string {
  const doc = new Document(v);
  visit(doc, {
    Seq: (_k, n) => {
      if (n.items.every((i) => isScalar(i))) n.flow = true;
    },
    Map: (_k, n, path) => {
      // Small maps that are a key's value (`config: {model: x}`) stay flow; list items stay block.
      if (path.length > 2 && isPair(path[path.length - 1]) && n.items.length <= 4 && n.items.every((p) => isScalar(p.value) && !String(p.value.value).includes('\n'))) n.flow = true;
    },
    Scalar: (_k, n) => {
      if (typeof n.value === 'string' && n.value.includes('\n')) n.type = 'BLOCK_LITERAL';
    },
  });
  const pad = ' '.repeat(indent);
  const lines = doc.toString(opts).replace(/\n$/, '').split('\n');
  return lines.map((l, i) => (i === 0 || l === '' ? l : pad + l)).join('\n');
}

/** True when the YAML node is a block (not flow) collection. */
export function isBlockCollection(n: unknown): boolean {
  return (isMap(n) || isSeq(n)) && !(n as { flow?: boolean }).flow;
}
