using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Nextra.Modules.Common;

namespace Nextra.Host.Tests;

/// <summary>
/// Module boundaries inside the one Nextra.Modules assembly, where <c>internal</c> alone enforces nothing. The rule:
/// a type of module A (namespace <c>Nextra.Modules.A</c> and below) may use a type of module B only when that type is
/// part of B's contract, which is a public type that is an interface, a record or struct, an enum, a delegate, an
/// exception, an attribute, a static class (constants, route and role tables, pure functions: no state to share), an
/// options class (name ends in <c>Options</c>), or a class marked <see cref="ModuleContractAttribute"/> with its
/// reason. Services are reached through their interface, never their class. Read from the compiled assembly: base
/// types, interfaces, fields, properties, signatures, locals and every member or type token in method bodies (with the
/// signatures of the members called), so a <c>var</c>, a <c>GetRequiredService&lt;T&gt;</c> or a lambda counts.
/// </summary>
public sealed partial class ArchitectureTests
{
    [Fact]
    public void Modules_UseOnlyEachOthersContracts()
    {
        var violations = ModuleContracts.Violations(typeof(ModuleContractAttribute).Assembly, "Nextra.Modules");
        Assert.True(violations.Count == 0,
            "a module uses another module's type that is not part of its contract (give the service an interface, "
            + "or mark a value/settings class [ModuleContract(reason)]):\n" + string.Join("\n", violations));
    }

    // Test of the test: compiled fixture modules in this assembly (BoundaryFixture.cs) with one good and several bad uses.

    [Fact]
    public void ModuleContracts_ReferenceToAnotherModulesServiceClass_IsReported()
    {
        var violations = ModuleContracts.Violations(typeof(ArchitectureTests).Assembly, "Nextra.Host.Tests.BoundaryFixture");
        Assert.Contains(violations, v => v.StartsWith("Caller.BadByField -> Owner.OwnerService", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Caller.BadByLocator -> Owner.OwnerService", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Caller.BadByVar -> Owner.OwnerRow", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Caller.BadByLambda -> Owner.OwnerService", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.StartsWith("Caller.Good", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.StartsWith("Owner.", StringComparison.Ordinal)); // a module may use its own internals
    }

    internal static class ModuleContracts
    {
        private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

        private static readonly Dictionary<short, OpCode> Codes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!).DistinctBy(o => o.Value).ToDictionary(o => o.Value);

        /// <summary>"From.Type -> To.Type (via member)" for every use of another module's non-contract type.</summary>
        public static List<string> Violations(Assembly assembly, string root)
        {
            var found = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var type in assembly.GetTypes())
            {
                if (ModuleOf(type, root) is not { } from) continue;
                foreach (var (used, via) in Uses(type))
                {
                    foreach (var target in Expand(used))
                    {
                        if (target.Assembly != assembly || ModuleOf(target, root) is not { } to || to == from || IsContract(target)) continue;
                        found.Add($"{Name(type, root)} -> {Name(target, root)} (via {via})");
                    }
                }
            }
            return [.. found];
        }

        private static string? ModuleOf(Type type, string root)
        {
            var ns = type.Namespace;
            if (ns is null || !ns.StartsWith(root + ".", StringComparison.Ordinal)) return null;
            var rest = ns[(root.Length + 1)..];
            var dot = rest.IndexOf('.');
            return dot < 0 ? rest : rest[..dot];
        }

        private static string Name(Type type, string root)
        {
            while (type.DeclaringType is { } outer && type.IsDefined(typeof(CompilerGeneratedAttribute), false)) type = outer;
            return $"{ModuleOf(type, root)}.{type.Name}";
        }

        public static bool IsContract(Type type)
        {
            if (!type.IsVisible) return false;
            if (type.IsInterface || type.IsEnum || type.IsValueType) return true;
            if (typeof(Delegate).IsAssignableFrom(type) || typeof(Exception).IsAssignableFrom(type) || typeof(Attribute).IsAssignableFrom(type)) return true;
            if (type.IsAbstract && type.IsSealed) return true; // static class
            if (type.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance) is not null) return true; // record class
            if (type.Name.EndsWith("Options", StringComparison.Ordinal)) return true;
            return type.IsDefined(typeof(ModuleContractAttribute), false);
        }

        /// <summary>The type itself, or for a constructed, array, by-ref or pointer type every type it is made of.</summary>
        private static IEnumerable<Type> Expand(Type type)
        {
            if (type.IsGenericParameter) yield break;
            if (type.HasElementType)
            {
                foreach (var t in Expand(type.GetElementType()!)) yield return t;
                yield break;
            }
            if (type.IsConstructedGenericType)
            {
                yield return type.GetGenericTypeDefinition();
                foreach (var arg in type.GetGenericArguments())
                    foreach (var t in Expand(arg)) yield return t;
                yield break;
            }
            yield return type;
        }

        private static List<(Type Used, string Via)> Uses(Type type)
        {
            var uses = new List<(Type, string)>();
            if (type.BaseType is { } b) uses.Add((b, "base type"));
            uses.AddRange(type.GetInterfaces().Select(i => (i, "interface")));
            foreach (var f in type.GetFields(All)) uses.Add((f.FieldType, f.Name));
            foreach (var p in type.GetProperties(All)) uses.Add((p.PropertyType, p.Name));
            foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                Signature(m, m.Name, uses);
                Body(m, uses);
            }
            return uses;
        }

        private static void Signature(MethodBase method, string via, List<(Type, string)> uses)
        {
            if (method is MethodInfo info)
            {
                uses.Add((info.ReturnType, via));
                if (info.IsGenericMethod) uses.AddRange(info.GetGenericArguments().Select(a => (a, via)));
            }
            uses.AddRange(method.GetParameters().Select(p => (p.ParameterType, via)));
        }

        private static void Body(MethodBase method, List<(Type, string)> uses)
        {
            var body = method.GetMethodBody();
            if (body is null) return;
            var via = method.Name;
            uses.AddRange(body.LocalVariables.Select(l => (l.LocalType, via)));
            var il = body.GetILAsByteArray() ?? [];
            var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
            var methodArgs = method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments() : null;
            for (var i = 0; i < il.Length;)
            {
                var code = il[i] == 0xFE ? Codes[unchecked((short)(0xFE00 | il[i + 1]))] : Codes[il[i]];
                i += code.Size;
                switch (code.OperandType)
                {
                    case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                        Member(method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs), via, uses);
                        i += 4;
                        break;
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        i += 1;
                        break;
                    case OperandType.InlineVar:
                        i += 2;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        i += 8;
                        break;
                    case OperandType.InlineSwitch:
                        i += 4 + (4 * BitConverter.ToInt32(il, i));
                        break;
                    default: // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                        i += 4;
                        break;
                }
            }
        }

        private static void Member(MemberInfo? member, string via, List<(Type, string)> uses)
        {
            switch (member)
            {
                case Type t:
                    uses.Add((t, via));
                    break;
                case FieldInfo f:
                    uses.Add((f.DeclaringType!, via));
                    uses.Add((f.FieldType, via));
                    break;
                case MethodBase m:
                    if (m.DeclaringType is { } owner) uses.Add((owner, via));
                    Signature(m, via, uses);
                    break;
            }
        }
    }
}
