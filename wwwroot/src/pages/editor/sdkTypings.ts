// AssemblyScript editing support shared by the code-block dialog and the Modules page:
// the SDK typings for Monaco's TypeScript service, and build errors as editor markers.
import { api } from '../../api/client';
import { monaco, typescriptDefaults } from './monaco';

// The docs/wasm-abi.md shape: JSON in, JSON out, `alloc` re-exported from the SDK.
export const starter = `import { JsonObj } from "./nextra";
export { alloc } from "./nextra";

export function handle(ptr: usize, len: i32): i64 {
  const input = JsonObj.read(ptr, len);
  const out = new JsonObj();
  out.setString("Text", input.getString("Text"));
  return out.write();
}
`;
// Fallback when the server has no SDK typings: AssemblyScript's number types.
const asTypes = `declare type i8 = number; declare type i16 = number; declare type i32 = number; declare type i64 = number;
declare type u8 = number; declare type u16 = number; declare type u32 = number; declare type u64 = number;
declare type f32 = number; declare type f64 = number; declare type isize = number; declare type usize = number; declare type bool = boolean;`;

let typings: Promise<string> | null = null;
export function loadTypings(): Promise<string> {
  typings ??= api.sdkTypings().then(
    (d) => {
      if (d) {
        typescriptDefaults.addExtraLib(d, 'file:///nextra.d.ts');
        return 'Nextra SDK typings loaded.';
      }
      typescriptDefaults.addExtraLib(asTypes, 'file:///assemblyscript.d.ts');
      return 'SDK typings not available (404); editing without them.';
    },
    () => 'Could not load the SDK typings.',
  );
  return typings;
}

/** Build errors (1-based line/column; 0 when not located) as error markers on `model`. */
export function markBuildErrors(model: monaco.editor.ITextModel, errors: { line: number; column: number; message: string }[]) {
  monaco.editor.setModelMarkers(model, 'asc', errors.map((e) => {
    const line = Math.min(model.getLineCount(), Math.max(1, e.line));
    return {
      severity: monaco.MarkerSeverity.Error,
      message: e.message,
      startLineNumber: line,
      startColumn: Math.max(1, e.column),
      endLineNumber: line,
      endColumn: model.getLineMaxColumn(line),
    };
  }));
}
