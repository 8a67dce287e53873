// Splice-based edits of YAML text: every edit replaces only the bytes it must, located through
// the ranges the `yaml` parser records on each node. Nothing is ever re-serialised as a whole,
// so comments, key order, quoting and keys the canvas does not know survive byte for byte.
import { isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { isBlockCollection, renderBlock, renderFlow, renderScalar } from './render';

export interface Splice {
  start: number;
  end: number;
  text: string;
}

export type PathSeg = string | number;

/** Applies non-overlapping splices (any order) to text. */
export function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const s of sorted) {
    if (s.end > limit) throw new Error('overlapping edits');
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
    limit = s.start;
  }
  return out;
}

export function lineStart(text: string, off: number): number {
  return text.lastIndexOf('\n', off - 1) + 1;
}

export function lineEnd(text: string, off: number): number {
  const i = text.indexOf('\n', off);
  return i < 0 ? text.length : i + 1;
}

export function column(text: string, off: number): number {
  return off - lineStart(text, off);
}

/** End offset of a node's value on its line(s), as the start of the following line. */
function endOfLines(text: string, node: Node): number {
  const end = node.range![1];
  return end > 0 && text[end - 1] === '\n' ? end : lineEnd(text, end);
}

export function getNode(doc: Document, path: PathSeg[]): Node | null {
  let cur: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(cur)) {
      const pair = findPair(cur, String(seg));
      cur = pair ? pair.value : null;
    } else if (isSeq(cur) && typeof seg === 'number') {
      cur = cur.items[seg];
    } else return null;
    if (cur == null) return null;
  }
  return (cur as Node) ?? null;
}

export function findPair(map: YAMLMap, key: string): Pair<Node, Node | null> | undefined {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as Pair<Node, Node | null> | undefined;
}

/** Replaces a scalar's text, keeping its quoting style where possible. */
export function replaceScalar(text: string, node: Node, value: unknown): Splice {
  const [start, end] = node.range!;
  let rendered: string;
  if (isScalar(node) && typeof value === 'string' && !value.includes('\n')) {
    if (node.type === 'QUOTE_DOUBLE') rendered = JSON.stringify(value);
    else if (node.type === 'QUOTE_SINGLE') rendered = `'${value.replace(/'/g, "''")}'`;
    else rendered = renderScalar(value);
  } else rendered = renderScalar(value);
  const old = text.slice(start, end);
  // A block scalar's range swallows its final newline; keep the line structure intact.
  if (old.endsWith('\n') && !rendered.endsWith('\n')) rendered += '\n';
  return { start, end, text: rendered };
}

function keyIndent(text: string, map: YAMLMap): number {
  return column(text, map.range![0]);
}

/** Sets `path` to `value`, creating the last key when missing (parents must exist). */
export function setIn(text: string, doc: Document, path: PathSeg[], value: unknown): Splice[] {
  const parent = getNode(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (isSeq(parent) && typeof key === 'number') {
    const item = parent.items[key] as Node;
    return [replaceValue(text, parent, null, item, value)];
  }
  if (!isMap(parent)) throw new Error(`no map at ${path.slice(0, -1).join('.')}`);
  const pair = findPair(parent, String(key));
  if (pair && pair.value) return [replaceValue(text, parent, pair, pair.value, value)];
  if (pair && !pair.value) {
    // `key:` with no value: write it after the colon.
    const at = pair.key.range![1];
    const colon = text.indexOf(':', at);
    if (isBlockCollection(parent) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return [{ start: colon + 1, end: colon + 1, text: '\n' + ' '.repeat(keyIndent(text, parent) + 2) + renderBlock(value, keyIndent(text, parent) + 2) }];
    }
    return [{ start: colon + 1, end: colon + 1, text: ' ' + renderFlow(value) }];
  }
  return [insertKey(text, parent, String(key), value)];
}

function replaceValue(text: string, parent: YAMLMap | YAMLSeq, pair: Pair<Node, Node | null> | null, node: Node, value: unknown): Splice {
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    if (typeof value === 'string' && value.includes('\n') && isBlockCollection(parent)) {
      // Multi-line text (prompts) reads best as a literal block.
      const indent = (pair ? column(text, pair.key.range![0]) : column(text, node.range![0])) + 2;
      const body = value.replace(/\n$/, '');
      const chomp = value.endsWith('\n') ? (value.endsWith('\n\n') ? null : '|') : '|-';
      if (chomp && !/^\s/.test(body) && !body.split('\n').some((l) => /^\s+$/.test(l))) {
        const lines = body.split('\n').map((l) => (l === '' ? '' : ' '.repeat(indent) + l));
        const end = node.range![1];
        const trailing = text[end - 1] === '\n';
        return { start: node.range![0], end, text: chomp + '\n' + lines.join('\n') + (trailing ? '\n' : '') };
      }
    }
    return replaceScalar(text, node, value);
  }
  const [start] = node.range!;
  if (isBlockCollection(node) && value !== null && typeof value === 'object' && (!Array.isArray(value) || value.length > 0) && !(Array.isArray(value) !== isSeq(node))) {
    // Keep block style: rewrite the block at its own indentation.
    const indent = column(text, start);
    const end = endOfLines(text, node);
    return { start, end, text: renderBlock(value, indent) + '\n' };
  }
  if (isBlockCollection(node) && pair) {
    // Block collection becomes a flow value on the key's line.
    const keyEnd = pair.key.range![1];
    const colon = text.indexOf(':', keyEnd);
    return { start: colon + 1, end: endOfLines(text, node), text: ' ' + renderFlow(value) + '\n' };
  }
  return { start, end: node.range![1], text: renderFlow(value) };
}

function insertKey(text: string, map: YAMLMap, key: string, value: unknown): Splice {
  if (map.flow) {
    const close = text.lastIndexOf('}', map.range![1]);
    const entry = `${renderScalar(key)}: ${renderFlow(value)}`;
    if (map.items.length === 0) return { start: close, end: close, text: entry };
    const last = map.items[map.items.length - 1] as Pair<Node, Node | null>;
    const at = (last.value ?? last.key).range![1];
    return { start: at, end: at, text: ', ' + entry };
  }
  const indent = map.items.length ? keyIndent(text, map) : 0;
  const last = map.items[map.items.length - 1] as Pair<Node, Node | null> | undefined;
  const at = last ? endOfLines(text, (last.value ?? last.key) as Node) : text.length;
  const prefix = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return { start: at, end: at, text: prefix + ' '.repeat(indent) + renderBlock({ [key]: value }, indent) + '\n' };
}

/** Removes `path`'s key (map) or item (sequence). */
export function deleteIn(text: string, doc: Document, path: PathSeg[]): Splice[] {
  const parent = getNode(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (isMap(parent)) {
    const idx = parent.items.findIndex((p) => isScalar(p.key) && String(p.key.value) === String(key));
    if (idx < 0) return [];
    return [removeEntry(text, parent, idx)];
  }
  if (isSeq(parent) && typeof key === 'number') {
    if (key < 0 || key >= parent.items.length) return [];
    // Emptying a block list: write `[]` on the key's line rather than leaving a null.
    if (parent.items.length === 1 && isBlockCollection(parent) && path.length >= 2 && isMap(getNode(doc, path.slice(0, -2)))) {
      return setIn(text, doc, path.slice(0, -1), []);
    }
    return [removeEntry(text, parent, key)];
  }
  return [];
}

function entrySpan(coll: YAMLMap | YAMLSeq, i: number): [number, number] {
  const it = coll.items[i] as Node | Pair<Node, Node | null>;
  if (isMap(coll)) {
    const p = it as Pair<Node, Node | null>;
    return [p.key.range![0], (p.value ?? p.key).range![1]];
  }
  const n = it as Node;
  return [n.range![0], n.range![1]];
}

function removeEntry(text: string, coll: YAMLMap | YAMLSeq, i: number): Splice {
  const n = coll.items.length;
  const [s, e] = entrySpan(coll, i);
  if (!isBlockCollection(coll)) {
    if (n === 1) return { start: s, end: e, text: '' };
    if (i < n - 1) return { start: s, end: entrySpan(coll, i + 1)[0], text: '' };
    return { start: entrySpan(coll, i - 1)[1], end: e, text: '' };
  }
  const ls = lineStart(text, s);
  const end = text[e - 1] === '\n' ? e : lineEnd(text, e);
  if (isSeq(coll)) {
    if (n === 1) return { start: s, end: e, text: text[e - 1] === '\n' ? '[]\n' : '[]' };
    return { start: ls, end, text: '' };
  }
  // Block map: the first key of a sequence item shares its line with the dash (`- name: a`).
  const onDashLine = text.slice(ls, s).trim().length > 0;
  if (onDashLine) {
    if (n === 1) return { start: s, end: e, text: '{}' };
    return { start: s, end: entrySpan(coll, i + 1)[0], text: '' };
  }
  return { start: ls, end, text: '' };
}

/** Appends `value` to the sequence at `path`, creating the key (with `[value]`) when missing. */
export function appendIn(text: string, doc: Document, path: PathSeg[], value: unknown): Splice[] {
  const seq = getNode(doc, path);
  if (!seq || (isScalar(seq) && seq.value === null)) return setIn(text, doc, path, [value]);
  if (!isSeq(seq)) throw new Error(`not a sequence: ${path.join('.')}`);
  const isObj = value !== null && typeof value === 'object';
  if (seq.flow) {
    const close = text.lastIndexOf(']', seq.range![1]);
    if (seq.items.length === 0) {
      if (isObj) return blockPair(text, doc, path, [value]); // `listeners: []` → block list of maps
      return [{ start: close, end: close, text: renderFlow(value) }];
    }
    const last = seq.items[seq.items.length - 1] as Node;
    return [{ start: last.range![1], end: last.range![1], text: ', ' + renderFlow(value) }];
  }
  const indent = column(text, seq.range![0]);
  const last = seq.items[seq.items.length - 1] as Node;
  const at = endOfLines(text, last);
  return [{ start: at, end: at, text: ' '.repeat(indent) + '- ' + renderBlock(value, indent + 2) + '\n' }];
}

/** Rewrites `key: <value>` as a whole in block style (used to turn `[]` into a block list). */
function blockPair(text: string, doc: Document, path: PathSeg[], value: unknown): Splice[] {
  const parent = getNode(doc, path.slice(0, -1));
  const key = String(path[path.length - 1]);
  if (!isMap(parent) || parent.flow) return setIn(text, doc, path, value);
  const pair = findPair(parent, key);
  if (!pair || !pair.value) return setIn(text, doc, path, value);
  const start = pair.key.range![0];
  const indent = column(text, start);
  return [{ start, end: endOfLines(text, pair.value), text: renderBlock({ [key]: value }, indent) + '\n' }];
}
