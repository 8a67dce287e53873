// Nextra AssemblyScript SDK: the code-block ABI (docs/wasm-abi.md) and JSON helpers.
// The compiler service copies this file next to the user's module as "nextra.ts",
// so a module imports it with `import { ... } from "./nextra"`.
//
// ABI: the host calls alloc(len) for the input buffer, writes the input payload as UTF-8
// JSON, calls handle(ptr, len) and reads the output JSON at (ptr << 32) | len of the result.
// Buffers come from heap.alloc (not GC-managed), so the collector never frees memory the
// host still reads; each call runs in a fresh instance, so nothing leaks across calls.

// ---- host functions (imported only when the module uses them; each needs a capability) ----

// @ts-ignore: decorator
@external("nextra", "log")
declare function host_log(ptr: usize, len: i32): void;
// @ts-ignore: decorator
@external("nextra", "kv_get")
declare function host_kv_get(keyPtr: usize, keyLen: i32): i64;
// @ts-ignore: decorator
@external("nextra", "kv_set")
declare function host_kv_set(keyPtr: usize, keyLen: i32, valPtr: usize, valLen: i32): i32;
// @ts-ignore: decorator
@external("nextra", "kv_delete")
declare function host_kv_delete(keyPtr: usize, keyLen: i32): i32;
// @ts-ignore: decorator
@external("nextra", "http_fetch")
declare function host_http_fetch(reqPtr: usize, reqLen: i32): i64;

/** The ABI's allocator: raw memory the host writes the input (and host results) into. */
export function alloc(len: i32): usize {
  return heap.alloc(<usize>max(len, 1));
}

function utf8(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

function unpack(packed: i64): string | null {
  if (packed < 0) return null;
  const ptr = <usize>(<u64>packed >> 32);
  const len = <i32>(packed & 0xffffffff);
  return String.UTF8.decodeUnsafe(ptr, len);
}

/** Writes a line to the run's log (capability `log`). */
export function log(message: string): void {
  const b = utf8(message);
  host_log(changetype<usize>(b), b.byteLength);
}

/** Project memory (capability `kv`). Values are UTF-8 strings here; null when absent. */
export namespace kv {
  export function get(key: string): string | null {
    const k = utf8(key);
    return unpack(host_kv_get(changetype<usize>(k), k.byteLength));
  }
  /** False when the store refused the value (e.g. over the memory quota). */
  export function set(key: string, value: string): bool {
    const k = utf8(key);
    const v = utf8(value);
    return host_kv_set(changetype<usize>(k), k.byteLength, changetype<usize>(v), v.byteLength) == 0;
  }
  export function remove(key: string): bool {
    const k = utf8(key);
    return host_kv_delete(changetype<usize>(k), k.byteLength) == 1;
  }
}

/** Guarded HTTP (capability `http`): request {method,url,headers,body} → response {status,headers,body} or {error}. */
export function httpFetch(request: JsonObj): JsonObj {
  const r = utf8(request.stringify());
  const text = unpack(host_http_fetch(changetype<usize>(r), r.byteLength));
  if (text === null) {
    const e = new JsonObj();
    e.setString("error", "no response");
    return e;
  }
  return JsonObj.parse(text!);
}

// ---- JSON ----

export enum JsonKind { Null, Bool, Num, Str, Arr, Obj }

export class JsonValue {
  kind: JsonKind = JsonKind.Null;
  b: bool = false;
  n: f64 = 0;
  s: string = "";
  arr: JsonValue[] = [];
  obj: JsonObj | null = null;

  static null(): JsonValue { return new JsonValue(); }
  static bool(b: bool): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Bool; v.b = b; return v; }
  static num(n: f64): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Num; v.n = n; return v; }
  static str(s: string): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Str; v.s = s; return v; }
  static array(a: JsonValue[]): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Arr; v.arr = a; return v; }
  static object(o: JsonObj): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Obj; v.obj = o; return v; }

  stringify(): string {
    switch (this.kind) {
      case JsonKind.Bool: return this.b ? "true" : "false";
      case JsonKind.Num: return formatNumber(this.n);
      case JsonKind.Str: return quote(this.s);
      case JsonKind.Arr: {
        const parts = new Array<string>();
        for (let i = 0; i < this.arr.length; i++) parts.push(this.arr[i].stringify());
        return "[" + parts.join(",") + "]";
      }
      case JsonKind.Obj: return this.obj!.stringify();
      default: return "null";
    }
  }
}

/** A JSON object with insertion-ordered keys. */
export class JsonObj {
  keys: string[] = [];
  values: JsonValue[] = [];

  /** Parses the ABI input buffer (UTF-8 JSON at ptr/len). */
  static read(ptr: usize, len: i32): JsonObj {
    return JsonObj.parse(String.UTF8.decodeUnsafe(ptr, len));
  }

  static parse(text: string): JsonObj {
    const p = new Parser(text);
    const v = p.value();
    if (v.kind != JsonKind.Obj) throw new Error("JSON input is not an object");
    return v.obj!;
  }

  /** Serializes into host-readable memory and returns the ABI's packed (ptr << 32) | len. */
  write(): i64 {
    const b = utf8(this.stringify());
    const len = b.byteLength;
    const ptr = heap.alloc(<usize>max(len, 1));
    memory.copy(ptr, changetype<usize>(b), <usize>len);
    return (<i64>ptr << 32) | <i64>len;
  }

  has(key: string): bool { return this.keys.indexOf(key) >= 0; }
  get(key: string): JsonValue | null {
    const i = this.keys.indexOf(key);
    return i < 0 ? null : this.values[i];
  }
  getString(key: string, fallback: string = ""): string {
    const v = this.get(key);
    return v !== null && v.kind == JsonKind.Str ? v.s : fallback;
  }
  getNumber(key: string, fallback: f64 = 0): f64 {
    const v = this.get(key);
    return v !== null && v.kind == JsonKind.Num ? v.n : fallback;
  }
  getInt(key: string, fallback: i64 = 0): i64 {
    const v = this.get(key);
    return v !== null && v.kind == JsonKind.Num ? <i64>v.n : fallback;
  }
  getBool(key: string, fallback: bool = false): bool {
    const v = this.get(key);
    return v !== null && v.kind == JsonKind.Bool ? v.b : fallback;
  }
  getObj(key: string): JsonObj | null {
    const v = this.get(key);
    return v !== null && v.kind == JsonKind.Obj ? v.obj : null;
  }
  getArr(key: string): JsonValue[] {
    const v = this.get(key);
    return v !== null && v.kind == JsonKind.Arr ? v.arr : [];
  }

  set(key: string, value: JsonValue): JsonObj {
    const i = this.keys.indexOf(key);
    if (i >= 0) this.values[i] = value;
    else { this.keys.push(key); this.values.push(value); }
    return this;
  }
  setString(key: string, v: string): JsonObj { return this.set(key, JsonValue.str(v)); }
  setNumber(key: string, v: f64): JsonObj { return this.set(key, JsonValue.num(v)); }
  setInt(key: string, v: i64): JsonObj { return this.set(key, JsonValue.num(<f64>v)); }
  setBool(key: string, v: bool): JsonObj { return this.set(key, JsonValue.bool(v)); }
  setNull(key: string): JsonObj { return this.set(key, JsonValue.null()); }
  setObj(key: string, v: JsonObj): JsonObj { return this.set(key, JsonValue.object(v)); }
  setArr(key: string, v: JsonValue[]): JsonObj { return this.set(key, JsonValue.array(v)); }
  /** Forward the result to a peer listener instead of responding. */
  forwardTo(listener: string): JsonObj { return this.setString("_to", listener); }
  /** End the chain: no message is emitted. */
  drop(): JsonObj { return this.setBool("_drop", true); }

  stringify(): string {
    const parts = new Array<string>();
    for (let i = 0; i < this.keys.length; i++) parts.push(quote(this.keys[i]) + ":" + this.values[i].stringify());
    return "{" + parts.join(",") + "}";
  }
}

function formatNumber(n: f64): string {
  if (!isFinite(n)) return "null";
  // Whole numbers print without ".0" so they map onto int fields.
  if (n == Math.floor(n) && Math.abs(n) < 9007199254740992.0) return (<i64>n).toString();
  return n.toString();
}

function quote(s: string): string {
  let out = "\"";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5c) out += "\\\\";
    else if (c == 0x0a) out += "\\n";
    else if (c == 0x0d) out += "\\r";
    else if (c == 0x09) out += "\\t";
    else if (c < 0x20) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += String.fromCharCode(c);
  }
  return out + "\"";
}

class Parser {
  pos: i32 = 0;
  constructor(public text: string) {}

  fail(what: string): JsonValue { throw new Error("JSON: " + what + " at " + this.pos.toString()); }

  ws(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) this.pos++; else break;
    }
  }

  value(): JsonValue {
    this.ws();
    if (this.pos >= this.text.length) return this.fail("unexpected end");
    const c = this.text.charCodeAt(this.pos);
    if (c == 0x7b) return this.object();
    if (c == 0x5b) return this.array();
    if (c == 0x22) return JsonValue.str(this.string());
    if (this.text.startsWith("true", this.pos)) { this.pos += 4; return JsonValue.bool(true); }
    if (this.text.startsWith("false", this.pos)) { this.pos += 5; return JsonValue.bool(false); }
    if (this.text.startsWith("null", this.pos)) { this.pos += 4; return JsonValue.null(); }
    return this.number();
  }

  object(): JsonValue {
    const o = new JsonObj();
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) == 0x7d) { this.pos++; return JsonValue.object(o); }
    while (true) {
      this.ws();
      if (this.text.charCodeAt(this.pos) != 0x22) return this.fail("expected key");
      const key = this.string();
      this.ws();
      if (this.text.charCodeAt(this.pos) != 0x3a) return this.fail("expected ':'");
      this.pos++;
      o.set(key, this.value());
      this.ws();
      const c = this.text.charCodeAt(this.pos++);
      if (c == 0x7d) break;
      if (c != 0x2c) return this.fail("expected ',' or '}'");
    }
    return JsonValue.object(o);
  }

  array(): JsonValue {
    const a = new Array<JsonValue>();
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) == 0x5d) { this.pos++; return JsonValue.array(a); }
    while (true) {
      a.push(this.value());
      this.ws();
      const c = this.text.charCodeAt(this.pos++);
      if (c == 0x5d) break;
      if (c != 0x2c) return this.fail("expected ',' or ']'");
    }
    return JsonValue.array(a);
  }

  string(): string {
    this.pos++;
    let out = "";
    let start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c == 0x22) { out += this.text.substring(start, this.pos); this.pos++; return out; }
      if (c == 0x5c) {
        out += this.text.substring(start, this.pos);
        const e = this.text.charCodeAt(this.pos + 1);
        this.pos += 2;
        if (e == 0x6e) out += "\n";
        else if (e == 0x72) out += "\r";
        else if (e == 0x74) out += "\t";
        else if (e == 0x62) out += "\b";
        else if (e == 0x66) out += "\f";
        else if (e == 0x75) { out += String.fromCharCode(<i32>parseInt(this.text.substring(this.pos, this.pos + 4), 16)); this.pos += 4; }
        else out += String.fromCharCode(e);
        start = this.pos;
      } else this.pos++;
    }
    this.fail("unterminated string");
    return out;
  }

  number(): JsonValue {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if ((c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x2b || c == 0x2e || c == 0x65 || c == 0x45) this.pos++; else break;
    }
    if (start == this.pos) return this.fail("unexpected character");
    return JsonValue.num(parseFloat(this.text.substring(start, this.pos)));
  }
}
