// nextra/hmac-sha256: {message, key, expected?} -> {hex, valid}. HMAC-SHA256 of message under key (UTF-8), lower-case hex;
// valid compares with expected in constant time (false when expected is empty).
import { JsonObj } from "./nextra";
export { alloc } from "./nextra";

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

function sha256(data: Uint8Array): Uint8Array {
  const bitLen = <u64>data.length * 8;
  const padded = new Uint8Array(((data.length + 9 + 63) >> 6) << 6);
  padded.set(data);
  padded[data.length] = 0x80;
  for (let i = 0; i < 8; i++) padded[padded.length - 1 - i] = <u8>(bitLen >> (<u64>i * 8));
  let h0: u32 = 0x6a09e667, h1: u32 = 0xbb67ae85, h2: u32 = 0x3c6ef372, h3: u32 = 0xa54ff53a;
  let h4: u32 = 0x510e527f, h5: u32 = 0x9b05688c, h6: u32 = 0x1f83d9ab, h7: u32 = 0x5be0cd19;
  const w = new StaticArray<u32>(64);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) {
      const j = off + i * 4;
      w[i] = (<u32>padded[j] << 24) | (<u32>padded[j + 1] << 16) | (<u32>padded[j + 2] << 8) | <u32>padded[j + 3];
    }
    for (let i = 16; i < 64; i++) {
      const s0 = rotr<u32>(w[i - 15], 7) ^ rotr<u32>(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr<u32>(w[i - 2], 17) ^ rotr<u32>(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = h + S1 + ch + K[i] + w[i];
      const S0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = S0 + maj;
      h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h0 += a; h1 += b; h2 += c; h3 += d; h4 += e; h5 += f; h6 += g; h7 += h;
  }
  const out = new Uint8Array(32);
  const hs: u32[] = [h0, h1, h2, h3, h4, h5, h6, h7];
  for (let i = 0; i < 8; i++) {
    out[i * 4] = <u8>(hs[i] >>> 24);
    out[i * 4 + 1] = <u8>(hs[i] >>> 16);
    out[i * 4 + 2] = <u8>(hs[i] >>> 8);
    out[i * 4 + 3] = <u8>hs[i];
  }
  return out;
}

function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

function hmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  let k = key.length > 64 ? sha256(key) : key;
  const ipad = new Uint8Array(64 + message.length);
  const opad = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) {
    const b: u8 = i < k.length ? k[i] : 0;
    ipad[i] = b ^ 0x36;
    opad[i] = b ^ 0x5c;
  }
  ipad.set(message, 64);
  opad.set(sha256(ipad), 64);
  return sha256(opad);
}

export function handle(ptr: usize, len: i32): i64 {
  const input = JsonObj.read(ptr, len);
  const mac = hmac(utf8(input.getString("key")), utf8(input.getString("message")));
  const digits = "0123456789abcdef";
  let hex = "";
  for (let i = 0; i < mac.length; i++) hex += digits.charAt(mac[i] >> 4) + digits.charAt(mac[i] & 15);
  const expected = input.getString("expected").toLowerCase();
  let diff = expected.length == hex.length ? 0 : 1;
  for (let i = 0; i < hex.length && i < expected.length; i++) diff |= hex.charCodeAt(i) ^ expected.charCodeAt(i);
  const out = new JsonObj();
  out.setString("hex", hex);
  out.setBool("valid", expected.length > 0 && diff == 0);
  return out.write();
}
