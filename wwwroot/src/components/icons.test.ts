import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { nodeKinds } from '../flow/graph';
import { KindIcon } from './icons';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(tsx?|css)$/.test(f) ? [p] : [];
  });
}

describe('icons', () => {
  it('Sources_NoEmoji_IconsAreSvg', () => {
    // Emoji (and the dingbat/symbol blocks many fonts lack) render as empty boxes without an emoji font.
    const emoji = /[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}\u{2B00}-\u{2BFF}]/u;
    const hits = files(src).flatMap((f) => readFileSync(f, 'utf8').split('\n').map((l, i) => [f, i + 1, l] as const))
      .filter(([, , l]) => emoji.test(l))
      .map(([f, n, l]) => `${path.relative(src, f)}:${n}: ${l.trim()}`);
    expect(hits).toEqual([]);
  });

  it('KindIcon_EveryKind_DistinctDecorativeSvg', () => {
    // Every canvas node kind (graph.ts), plus the palette's registered-module item.
    const kinds = [...nodeKinds, 'module'];
    const html = kinds.map((kind) => renderToStaticMarkup(createElement(KindIcon, { kind, size: 16 })));
    for (const h of html) {
      expect(h).toMatch(/^<svg [^>]*aria-hidden="true"/);
      expect(h).toMatch(/<(path|rect|circle) /);
    }
    expect(new Set(html).size).toBe(kinds.length);
    // Unknown handlers fall back to the generic icon.
    expect(renderToStaticMarkup(createElement(KindIcon, { kind: 'dotnet' }))).toBe(renderToStaticMarkup(createElement(KindIcon, { kind: 'generic' })));
  });
});
