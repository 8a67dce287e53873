import { describe, expect, it } from 'vitest';
import type { WasmModule } from '../api/types';
import { formatModuleRef, groupModules, parseModuleRef, versionOptions } from '../pages/modules/moduleRef';
import { setField } from './edits';
import { parseFlow } from './model';

// What the Inspector's version select does: one setField of config.module through the splice module.
const pick = (text: string, listener: string, version: string) => {
  const cur = parseModuleRef(String(parseFlow(text).model!.listeners.find((l) => l.name === listener)!.config!.module))!;
  return setField(text, `l:${listener}`, ['config', 'module'], formatModuleRef(cur.name, version || null));
};

const flowStyle = [
  '# modules in use',
  'organism: {name: m}',
  'payloads:',
  '  Message: {fields: {Text: string}}',
  'listeners:',
  '  - name: echo   # the echo step',
  '    payload_class: Message',
  '    handler: code',
  '    config: {module: echo@1, fuel: 1000}  # pinned',
  '    peers: [done]',
  '  - {name: done, payload_class: Message, handler: output}',
  '',
].join('\n');

const blockStyle = [
  'organism:',
  '  name: m',
  'payloads:',
  '  Message: {fields: {Text: string}}',
  'listeners:',
  '  - name: echo',
  '    payload_class: Message',
  '    handler: code',
  '    config:',
  '      # which build runs',
  '      module: echo@2',
  '      fuel: 1000',
  '  - {name: done, payload_class: Message, handler: output}',
  '',
].join('\n');

const mod = (version: string): WasmModule => ({ id: version, name: 'echo', version, kind: 'wat', size: 1, createdAt: '2026-11-26T00:00:00Z', wit: null });

describe('module version picker', () => {
  it('PickVersion_FlowStyleConfig_OnlyTheValueChanges', () => {
    const after = pick(flowStyle, 'echo', '2');
    expect(after).toBe(flowStyle.replace('module: echo@1,', 'module: echo@2,'));
  });

  it('PickLatest_FlowStyleConfig_BareNameKeepsCommentsAndOtherKeys', () => {
    const after = pick(flowStyle, 'echo', '');
    expect(after).toBe(flowStyle.replace('module: echo@1,', 'module: echo,'));
    expect(parseFlow(after).model!.listeners[0].config).toEqual({ module: 'echo', fuel: 1000 });
  });

  it('PickVersion_BlockStyleConfig_OnlyTheLineChanges', () => {
    expect(pick(blockStyle, 'echo', '1')).toBe(blockStyle.replace('module: echo@2', 'module: echo@1'));
    const latest = pick(blockStyle, 'echo', '');
    expect(latest).toBe(blockStyle.replace('module: echo@2', 'module: echo'));
    // And back from latest to a pinned version.
    expect(pick(latest, 'echo', '2')).toBe(blockStyle);
  });

  it('PickVersion_SameVersion_TextUnchanged', () => {
    expect(pick(flowStyle, 'echo', '1')).toBe(flowStyle);
  });

  it('VersionOptions_RegisteredVersions_LatestFirstThenNewestFirst', () => {
    const [g] = groupModules([mod('1'), mod('10'), mod('2')]);
    expect(versionOptions({ name: 'echo', version: '2' }, g)).toEqual([
      { value: '', label: 'latest (now 10)' },
      { value: '10', label: '10' },
      { value: '2', label: '2' },
      { value: '1', label: '1' },
    ]);
  });

  it('VersionOptions_UnregisteredVersion_StillListed', () => {
    const [g] = groupModules([mod('1')]);
    expect(versionOptions({ name: 'echo', version: '7' }, g).map((o) => o.value)).toEqual(['', '1', '7']);
    expect(versionOptions({ name: 'gone', version: null }, undefined)).toEqual([{ value: '', label: 'latest' }]);
  });
});

describe('module code block on the canvas', () => {
  it('Graph_ModuleCodeBlock_SubtitleNamesTheModuleVersion', async () => {
    const { toGraph, emptyCanvas } = await import('./graph');
    const node = (t: string) => toGraph(parseFlow(t).model!, emptyCanvas()).nodes.find((n) => n.id === 'l:echo')!;
    expect(node(flowStyle).subtitle).toBe('code · Message · echo@1');
    expect(node(pick(flowStyle, 'echo', '')).subtitle).toBe('code · Message · echo');
  });
});
