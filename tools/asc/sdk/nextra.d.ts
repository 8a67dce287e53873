// Nextra AssemblyScript SDK: declarations for editors (served at /api/sdk/nextra.d.ts).
// A code block imports the SDK with `import { JsonObj, log, kv } from "./nextra";`
// and re-exports its allocator with `export { alloc } from "./nextra";`.
//
// ABI (docs/wasm-abi.md): the host calls alloc(len), writes the input payload as UTF-8 JSON,
// calls handle(ptr, len) and reads the output JSON at the returned (ptr << 32) | len.
// Output keys are the output payload's fields, plus "_to": "peer" to forward, or "_drop": true.

declare global {
  type i8 = number; type i16 = number; type i32 = number; type i64 = bigint | number; type isize = number;
  type u8 = number; type u16 = number; type u32 = number; type u64 = bigint | number; type usize = number;
  type f32 = number; type f64 = number; type bool = boolean;
}

/** The ABI allocator; re-export it from your module: `export { alloc } from "./nextra";` */
export declare function alloc(len: i32): usize;

/** Writes a line to the run's log. Needs capability `log`. */
export declare function log(message: string): void;

/** Project memory of the flow (opt-in per flow). Needs capability `kv`. */
export declare namespace kv {
  /** The stored value, or null when absent (or the flow has no project memory). */
  function get(key: string): string | null;
  /** False when refused (over the quota, or no project memory). */
  function set(key: string, value: string): bool;
  /** True when the key existed. */
  function remove(key: string): bool;
}

/**
 * HTTP through the server's guarded client (SSRF rules apply). Needs capability `http`.
 * Request: {method?, url, headers?, body?}. Response: {status, headers, body[, truncated]} or {error}.
 */
export declare function httpFetch(request: JsonObj): JsonObj;

export declare enum JsonKind { Null, Bool, Num, Str, Arr, Obj }

export declare class JsonValue {
  kind: JsonKind;
  b: bool;
  n: f64;
  s: string;
  arr: JsonValue[];
  obj: JsonObj | null;
  static null(): JsonValue;
  static bool(b: bool): JsonValue;
  static num(n: f64): JsonValue;
  static str(s: string): JsonValue;
  static array(a: JsonValue[]): JsonValue;
  static object(o: JsonObj): JsonValue;
  stringify(): string;
}

/** A JSON object with insertion-ordered keys. */
export declare class JsonObj {
  keys: string[];
  values: JsonValue[];
  /** Parses the ABI input buffer: `JsonObj.read(ptr, len)` inside `handle`. */
  static read(ptr: usize, len: i32): JsonObj;
  static parse(text: string): JsonObj;
  /** Serializes for the host; return its value from `handle`. */
  write(): i64;
  has(key: string): bool;
  get(key: string): JsonValue | null;
  getString(key: string, fallback?: string): string;
  getNumber(key: string, fallback?: f64): f64;
  getInt(key: string, fallback?: i64): i64;
  getBool(key: string, fallback?: bool): bool;
  getObj(key: string): JsonObj | null;
  getArr(key: string): JsonValue[];
  set(key: string, value: JsonValue): JsonObj;
  setString(key: string, v: string): JsonObj;
  setNumber(key: string, v: f64): JsonObj;
  setInt(key: string, v: i64): JsonObj;
  setBool(key: string, v: bool): JsonObj;
  setNull(key: string): JsonObj;
  setObj(key: string, v: JsonObj): JsonObj;
  setArr(key: string, v: JsonValue[]): JsonObj;
  /** Forward the result to a peer listener (sets "_to") instead of responding. */
  forwardTo(listener: string): JsonObj;
  /** End the chain (sets "_drop": true): nothing is emitted. */
  drop(): JsonObj;
  stringify(): string;
}
