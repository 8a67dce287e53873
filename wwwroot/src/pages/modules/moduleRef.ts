// Pure helpers for WASM module references (`config: {module: NAME@VERSION}` in organism.yaml)
// and the module list (`GET /api/modules` returns one entry per version).
import type { WasmModule } from '../../api/types';

export interface ModuleRef {
  name: string;
  /** null: "the latest version" (a bare `module: NAME`). */
  version: string | null;
}

// The server's reference syntax (ModuleReferences.cs): NAME[@VERSION], letters, digits, _ . -; an installed
// marketplace tool is publisher/name@MAJOR.
const REF = /^((?:[a-z0-9-]+\/)?[A-Za-z0-9_.-]+)(?:@([A-Za-z0-9_.-]+))?$/;

/** True for an installed marketplace tool's reference (`publisher/name`), false for the tenant's own module. */
export function isMarketplaceRef(name: string): boolean {
  return name.includes('/');
}

export function parseModuleRef(s: string): ModuleRef | null {
  const m = REF.exec(s.trim());
  return m ? { name: m[1], version: m[2] ?? null } : null;
}

export function formatModuleRef(name: string, version?: string | null): string {
  return version ? `${name}@${version}` : name;
}

/** Orders versions numerically where they are numbers ("10" after "9"), else as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    const c = !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}

export interface ModuleGroup {
  name: string;
  /** Newest first. */
  versions: WasmModule[];
  latest: WasmModule;
}

/** One group per module name, names sorted, each group's versions newest first. */
export function groupModules(list: WasmModule[]): ModuleGroup[] {
  const by = new Map<string, WasmModule[]>();
  for (const m of list) by.set(m.name, [...(by.get(m.name) ?? []), m]);
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, vs]) => {
      const versions = [...vs].sort((a, b) => compareVersions(b.version, a.version));
      return { name, versions, latest: versions[0] };
    });
}

/** The drag payload a palette item carries for a module (Canvas hands it to the editor's drop handler). */
export const MODULE_DRAG_PREFIX = 'module:';

export function moduleDragData(name: string, version: string): string {
  return MODULE_DRAG_PREFIX + formatModuleRef(name, version);
}

/** The module reference of a drag payload, or null when it is a built-in node kind. */
export function moduleFromDrag(data: string): ModuleRef | null {
  return data.startsWith(MODULE_DRAG_PREFIX) ? parseModuleRef(data.slice(MODULE_DRAG_PREFIX.length)) : null;
}

/** A module name from an uploaded file name: `My Filter.v2.wasm` → `my-filter-v2`. */
export function moduleNameFromFile(fileName: string): string {
  const base = fileName.replace(/\.(wasm|wat)$/i, '');
  return base.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '').slice(0, 64) || 'module';
}

/** Module names the server accepts (WasmModuleService): 1-64 of a-z 0-9 _ -, not starting with _ or -. */
export function validModuleName(name: string): boolean {
  return /^[a-z0-9][a-z0-9_-]{0,63}$/.test(name);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A listener name for a module's code block (listener names start with a letter; module names may not). */
export function listenerNameForModule(name: string): string {
  const n = name.slice(name.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z]/.test(n) ? n : `m${n}`;
}

/** Bytes as base64 (the upload body of a .wasm file), in chunks so large modules do not overflow the stack. */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The upload kind of a file by its extension, or null when it is neither .wasm nor .wat. */
export function kindOfFile(fileName: string): 'wasm' | 'wat' | null {
  const m = /\.(wasm|wat)$/i.exec(fileName);
  return m ? (m[1].toLowerCase() as 'wasm' | 'wat') : null;
}

export interface VersionOption {
  /** The select's value: a version, or '' for "latest" (a bare `module: NAME`). */
  value: string;
  label: string;
}

/**
 * The Inspector's version choices for a module reference: "latest" (naming the newest version),
 * then every registered version newest first; a referenced version that is not registered
 * (deleted, or another tenant's copy of the flow) stays listed so the select can show it.
 */
export function versionOptions(ref: ModuleRef, group: ModuleGroup | undefined): VersionOption[] {
  const versions = group?.versions.map((m) => m.version) ?? [];
  const opts: VersionOption[] = [{ value: '', label: group ? `latest (now ${group.latest.version})` : 'latest' }];
  for (const v of versions) opts.push({ value: v, label: v });
  if (ref.version !== null && !versions.includes(ref.version)) opts.push({ value: ref.version, label: `${ref.version} (not registered)` });
  return opts;
}
