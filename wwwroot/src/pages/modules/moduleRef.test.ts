import { describe, expect, it } from 'vitest';
import type { WasmModule } from '../../api/types';
import {
  compareVersions, formatBytes, isMarketplaceRef, listenerNameForModule, formatModuleRef, groupModules, moduleDragData, moduleFromDrag, moduleNameFromFile, parseModuleRef, validModuleName,
} from './moduleRef';

const mod = (name: string, version: string): WasmModule => ({ id: `${name}-${version}`, name, version, kind: 'wat', size: 10, createdAt: '2026-01-01T00:00:00Z', wit: null });

describe('module references', () => {
  it('ParseModuleRef_NameAndVersion_Split', () => {
    expect(parseModuleRef('answer-bot@3')).toEqual({ name: 'answer-bot', version: '3' });
    expect(parseModuleRef(' filter ')).toEqual({ name: 'filter', version: null });
    expect(parseModuleRef('a@1.2.0')).toEqual({ name: 'a', version: '1.2.0' });
  });

  it('ParseModuleRef_Malformed_Null', () => {
    expect(parseModuleRef('')).toBeNull();
    expect(parseModuleRef('a@')).toBeNull();
    expect(parseModuleRef('a b')).toBeNull();
    expect(parseModuleRef('a@1@2')).toBeNull();
    expect(parseModuleRef('a/b/c@1')).toBeNull();
    expect(parseModuleRef('/b@1')).toBeNull();
  });

  it('ParseModuleRef_MarketplaceTool_PublisherNameMajor', () => {
    expect(parseModuleRef('nextra/json-path-pick@1')).toEqual({ name: 'nextra/json-path-pick', version: '1' });
    expect(isMarketplaceRef('nextra/json-path-pick')).toBe(true);
    expect(isMarketplaceRef('echo')).toBe(false);
    expect(moduleFromDrag(moduleDragData('acme/regex-extract', '2'))).toEqual({ name: 'acme/regex-extract', version: '2' });
    expect(listenerNameForModule('nextra/json-path-pick')).toBe('json-path-pick');
  });

  it('FormatModuleRef_RoundTripsThroughParse', () => {
    for (const [n, v] of [['x', '1'], ['my_mod-2', '10'], ['m', null]] as const) {
      expect(parseModuleRef(formatModuleRef(n, v))).toEqual({ name: n, version: v });
    }
  });

  it('DragData_Module_DecodesAndBuiltInKindIsNotAModule', () => {
    expect(moduleFromDrag(moduleDragData('echo', '2'))).toEqual({ name: 'echo', version: '2' });
    expect(moduleFromDrag('code')).toBeNull();
    expect(moduleFromDrag('llm')).toBeNull();
  });

  it('CompareVersions_Numbers_NumericOrder', () => {
    expect(['1', '10', '9', '2'].sort(compareVersions)).toEqual(['1', '2', '9', '10']);
    expect(compareVersions('1.10.0', '1.9.3')).toBeGreaterThan(0);
    expect(compareVersions('2', '2')).toBe(0);
  });

  it('GroupModules_SeveralVersions_NewestFirstPerName', () => {
    const g = groupModules([mod('b', '1'), mod('a', '2'), mod('a', '10'), mod('a', '1')]);
    expect(g.map((x) => x.name)).toEqual(['a', 'b']);
    expect(g[0].versions.map((v) => v.version)).toEqual(['10', '2', '1']);
    expect(g[0].latest.version).toBe('10');
    expect(g[1].latest.version).toBe('1');
  });

  it('ModuleNameFromFile_FileName_ValidName', () => {
    expect(moduleNameFromFile('My Filter.v2.wasm')).toBe('my-filter-v2');
    expect(moduleNameFromFile('echo.wat')).toBe('echo');
    expect(moduleNameFromFile('__.wat')).toBe('module');
    for (const f of ['My Filter.v2.wasm', 'echo.wat', '__.wat', 'Ünïcode.wasm', '-x-.wat']) expect(validModuleName(moduleNameFromFile(f))).toBe(true);
  });

  it('ValidModuleName_ServerRules', () => {
    expect(validModuleName('echo_1')).toBe(true);
    expect(validModuleName('Echo')).toBe(false);
    expect(validModuleName('-x')).toBe(false);
    expect(validModuleName('a'.repeat(65))).toBe(false);
  });

  it('FormatBytes_Sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});

describe('module upload helpers', () => {
  it('ToBase64_AnyBytes_MatchesNode', async () => {
    const { toBase64 } = await import('./moduleRef');
    const fc = (await import('fast-check')).default;
    fc.assert(fc.property(fc.uint8Array({ maxLength: 70000 }), (b) => {
      expect(toBase64(b)).toBe(Buffer.from(b).toString('base64'));
    }), { numRuns: 30 });
  });

  it('KindOfFile_Extensions', async () => {
    const { kindOfFile } = await import('./moduleRef');
    expect(kindOfFile('a.WASM')).toBe('wasm');
    expect(kindOfFile('b.wat')).toBe('wat');
    expect(kindOfFile('c.ts')).toBeNull();
  });
});
