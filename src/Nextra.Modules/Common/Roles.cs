namespace Nextra.Modules.Common;

/// <summary>Wire names of <see cref="Role"/> (lowercase, as in docs/api.md).</summary>
public static class Roles
{
    public static string ToWire(this Role role) => role switch
    {
        Role.Owner => "owner",
        Role.Admin => "admin",
        Role.Editor => "editor",
        _ => "viewer",
    };

    public static bool TryParse(string? value, out Role role)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "owner": role = Role.Owner; return true;
            case "admin": role = Role.Admin; return true;
            case "editor": role = Role.Editor; return true;
            case "viewer": role = Role.Viewer; return true;
            default: role = Role.Viewer; return false;
        }
    }
}
