namespace Nextra.Modules.Common;

/// <summary>Tenant roles, ordered: a higher value may do everything a lower one may.</summary>
public enum Role
{
    Viewer = 0,
    Editor = 1,
    Admin = 2,
    Owner = 3,
}
