import { describe, expect, it } from 'vitest';
import { listenerNameForModule } from '../pages/modules/moduleRef';
import { addNode } from './edits';
import { parseFlow } from './model';
import { newFlowYaml } from './template';

describe('module code blocks', () => {
  it('AddNode_ModuleConfig_CodeListenerReferencingTheModule', () => {
    const before = newFlowYaml('f');
    const r = addNode(before, 'code', { name: 'echo', description: 'Runs module echo@1', config: { module: 'echo@1' } });
    expect(r.id).toBe('l:echo');
    const l = parseFlow(r.text).model!.listeners.find((x) => x.name === 'echo')!;
    expect(l.handler).toBe('code');
    expect(l.config).toEqual({ module: 'echo@1' });
    expect(l.description).toBe('Runs module echo@1');
    expect(r.text).toMatch(/module: echo@1/);
    // Only appended: the original text is a prefix of the new one.
    expect(r.text.startsWith(before)).toBe(true);
  });

  it('AddNode_SameModuleTwice_UniqueNames', () => {
    const a = addNode(newFlowYaml('f'), 'code', { name: 'echo', config: { module: 'echo@1' } });
    const b = addNode(a.text, 'code', { name: 'echo', config: { module: 'echo@2' } });
    expect(b.id).toBe('l:echo_2');
    expect(parseFlow(b.text).model!.listeners.map((l) => l.config?.module).filter(Boolean)).toEqual(['echo@1', 'echo@2']);
  });

  it('ListenerNameForModule_LeadingDigit_Prefixed', () => {
    expect(listenerNameForModule('echo')).toBe('echo');
    expect(listenerNameForModule('7zip')).toBe('m7zip');
    expect(listenerNameForModule('a.b')).toBe('a_b');
  });
});
