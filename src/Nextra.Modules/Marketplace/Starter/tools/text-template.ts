// nextra/text-template: {template, values} -> {text}. values is a JSON object; {{name}} is replaced by its value.
import { JsonObj, JsonValue, JsonKind } from "./nextra";
export { alloc } from "./nextra";

export function handle(ptr: usize, len: i32): i64 {
  const input = JsonObj.read(ptr, len);
  const template = input.getString("template");
  const values = JsonObj.parse(input.getString("values", "{}"));
  let text = "";
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{{", i);
    if (open < 0) { text += template.substring(i); break; }
    const close = template.indexOf("}}", open + 2);
    if (close < 0) { text += template.substring(i); break; }
    text += template.substring(i, open);
    const name = template.substring(open + 2, close).trim();
    const v = values.get(name);
    if (v !== null) {
      const value: JsonValue = v;
      text += value.kind == JsonKind.Str ? value.s : value.stringify();
    }
    i = close + 2;
  }
  const out = new JsonObj();
  out.setString("text", text);
  return out.write();
}
