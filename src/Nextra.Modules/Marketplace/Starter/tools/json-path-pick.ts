// nextra/json-path-pick: {json, path} -> {value, found}. path is dot-separated keys and array indexes (a.b.0.c).
import { JsonObj, JsonValue, JsonKind } from "./nextra";
export { alloc } from "./nextra";

export function handle(ptr: usize, len: i32): i64 {
  const input = JsonObj.read(ptr, len);
  let cur: JsonValue | null = JsonValue.object(JsonObj.parse(input.getString("json")));
  const parts = input.getString("path").split(".");
  for (let i = 0; i < parts.length; i++) {
    if (cur === null) break;
    const part = parts[i];
    if (part.length == 0) continue;
    const v: JsonValue = cur;
    if (v.kind == JsonKind.Obj) {
      cur = v.obj!.get(part);
    } else if (v.kind == JsonKind.Arr) {
      const idx = I32.parseInt(part);
      cur = idx >= 0 && idx < v.arr.length ? v.arr[idx] : null;
    } else {
      cur = null;
    }
  }
  const out = new JsonObj();
  if (cur === null) {
    out.setString("value", "");
    out.setBool("found", false);
  } else {
    const v: JsonValue = cur;
    out.setString("value", v.kind == JsonKind.Str ? v.s : v.stringify());
    out.setBool("found", true);
  }
  return out.write();
}
