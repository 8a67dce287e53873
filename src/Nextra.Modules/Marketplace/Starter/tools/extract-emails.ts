// nextra/extract-emails: {text} -> {emails, count}. emails is comma-separated, in order of appearance, without repeats.
import { JsonObj } from "./nextra";
export { alloc } from "./nextra";

function local(c: i32): bool {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 46 || c == 95 || c == 43 || c == 45;
}

function domain(c: i32): bool {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 46 || c == 45;
}

export function handle(ptr: usize, len: i32): i64 {
  const text = JsonObj.read(ptr, len).getString("text");
  const found = new Array<string>();
  for (let at = text.indexOf("@"); at >= 0; at = text.indexOf("@", at + 1)) {
    let start = at;
    while (start > 0 && local(text.charCodeAt(start - 1))) start--;
    let end = at + 1;
    while (end < text.length && domain(text.charCodeAt(end))) end++;
    while (end > at + 1 && text.charCodeAt(end - 1) == 46) end--; // a sentence's full stop
    const host = text.substring(at + 1, end);
    if (start < at && host.indexOf(".") > 0) {
      const email = text.substring(start, end).toLowerCase();
      if (!found.includes(email)) found.push(email);
    }
  }
  const out = new JsonObj();
  out.setString("emails", found.join(","));
  out.setInt("count", found.length);
  return out.write();
}
