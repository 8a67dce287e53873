namespace Nextra.Pump.Tests.Wasm;

/// <summary>WebAssembly text modules for the tests, all on the same bump allocator.</summary>
internal static class WatModules
{
    // alloc: a bump allocator from 4096 upward that grows memory as needed (-1 from grow → returns 0 ... left to the host bounds check).
    private const string Alloc = """
        (global $bump (mut i32) (i32.const 4096))
        (func $alloc (export "alloc") (param $len i32) (result i32)
          (local $p i32) (local $need i32)
          (local.set $p (global.get $bump))
          (global.set $bump (i32.add (global.get $bump) (local.get $len)))
          (local.set $need (i32.sub (global.get $bump) (i32.mul (memory.size) (i32.const 65536))))
          (if (i32.gt_s (local.get $need) (i32.const 0))
            (then (drop (memory.grow (i32.add (i32.div_u (local.get $need) (i32.const 65536)) (i32.const 1))))))
          (local.get $p))
        (func $pack (param $p i32) (param $l i32) (result i64)
          (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l))))
        """;

    public static string Module(string body, string imports = "", int pages = 1) =>
        $"(module {imports}\n (memory (export \"memory\") {pages})\n{Alloc}\n{body}\n)";

    /// <summary>Returns its input unchanged.</summary>
    public static string Echo => Module("""(func (export "handle") (param $p i32) (param $l i32) (result i64) (call $pack (local.get $p) (local.get $l)))""");

    /// <summary>Returns a constant string (placed at offset 16).</summary>
    public static string Constant(string output)
    {
        var escaped = output.Replace("\\", "\\\\").Replace("\"", "\\\"");
        var len = System.Text.Encoding.UTF8.GetByteCount(output);
        return Module($"""
            (data (i32.const 16) "{escaped}")
            (func (export "handle") (param $p i32) (param $l i32) (result i64) (call $pack (i32.const 16) (i32.const {len})))
            """);
    }

    /// <summary>Spins forever.</summary>
    public static string InfiniteLoop => Module("""
        (func (export "handle") (param $p i32) (param $l i32) (result i64)
          (loop $forever (br $forever))
          (i64.const 0))
        """);

    /// <summary>Grows memory a page at a time until refused, then traps (as an allocator would abort).</summary>
    public static string MemoryBomb => Module("""
        (func (export "handle") (param $p i32) (param $l i32) (result i64)
          (block $refused
            (loop $more
              (br_if $refused (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
              (br $more)))
          unreachable)
        """);

    /// <summary>Asks for 64 MiB at once (refused far below a small cap), then traps, as an allocator would abort.</summary>
    public static string BigGrowThenTrap => Module("""
        (func (export "handle") (param $p i32) (param $l i32) (result i64)
          (if (i32.eq (memory.grow (i32.const 1024)) (i32.const -1)) (then unreachable))
          (i64.const 0))
        """);

    /// <summary>A refused grow it recovers from, then an unrelated trap (division by zero).</summary>
    public static string RefusedGrowThenOtherTrap => Module("""
        (func (export "handle") (param $p i32) (param $l i32) (result i64)
          (drop (memory.grow (i32.const 1024)))
          (drop (i32.div_u (i32.const 1) (i32.sub (local.get $l) (local.get $l))))
          (i64.const 0))
        """);

    /// <summary>Traps with plenty of memory left and no grow at all.</summary>
    public static string PlainTrap => Module("""
        (func (export "handle") (param $p i32) (param $l i32) (result i64)
          unreachable)
        """);

    /// <summary>Recurses without end.</summary>
    public static string DeepRecursion => Module("""
        (func $down (param $n i32) (result i32) (i32.add (call $down (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))
        (func (export "handle") (param $p i32) (param $l i32) (result i64)
          (drop (call $down (i32.const 0)))
          (i64.const 0))
        """);

    /// <summary>Claims an output of <paramref name="len"/> bytes at offset 0.</summary>
    public static string ClaimsOutput(uint len) => Module($"""
        (func (export "handle") (param $p i32) (param $l i32) (result i64) (i64.const {len}))
        """);

    /// <summary>Stores the input under key "k" with kv_set, reads it back with kv_get and returns it; kv_delete result in a log is skipped.</summary>
    public static string KvRoundTrip => Module("""
        (data (i32.const 8) "k")
        (func (export "handle") (param $p i32) (param $l i32) (result i64)
          (local $r i64)
          (if (i32.ne (call $kv_set (i32.const 8) (i32.const 1) (local.get $p) (local.get $l)) (i32.const 0)) (then unreachable))
          (local.set $r (call $kv_get (i32.const 8) (i32.const 1)))
          (if (i64.lt_s (local.get $r) (i64.const 0)) (then unreachable))
          (local.get $r))
        """, """
        (import "nextra" "kv_get" (func $kv_get (param i32 i32) (result i64)))
        (import "nextra" "kv_set" (func $kv_set (param i32 i32 i32 i32) (result i32)))
        """);

    /// <summary>Logs its input, then echoes it.</summary>
    public static string LogEcho => Module("""
        (func (export "handle") (param $p i32) (param $l i32) (result i64)
          (call $log (local.get $p) (local.get $l))
          (call $pack (local.get $p) (local.get $l)))
        """, """(import "nextra" "log" (func $log (param i32 i32)))""");

    /// <summary>Sends its input as the http_fetch request and returns the response JSON.</summary>
    public static string HttpProxy => Module("""
        (func (export "handle") (param $p i32) (param $l i32) (result i64)
          (call $fetch (local.get $p) (local.get $l)))
        """, """(import "nextra" "http_fetch" (func $fetch (param i32 i32) (result i64)))""");

    public static string WithImport(string module, string name, string signature = "(param i32 i32)") => Module(
        """(func (export "handle") (param $p i32) (param $l i32) (result i64) (call $pack (local.get $p) (local.get $l)))""",
        $"""(import "{module}" "{name}" (func {signature}))""");
}
