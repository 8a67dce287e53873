using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Nextra.Modules.Common;

/// <summary><see cref="ICurrentUser"/> read from the request's authenticated principal.</summary>
internal sealed class CurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal? Principal => accessor.HttpContext?.User;

    public bool IsAuthenticated => Principal?.Identity?.IsAuthenticated == true && Find(NextraClaims.TenantId) is not null;

    public string TenantId => Find(NextraClaims.TenantId) ?? throw ApiException.Unauthorized();

    public string UserId => Find(NextraClaims.UserId) ?? throw ApiException.Unauthorized();

    public string Email => Find(NextraClaims.Email) ?? throw ApiException.Unauthorized();

    public Role Role => Roles.TryParse(Find(NextraClaims.Role), out var role) ? role : Role.Viewer;

    public string? Scheme => Find(NextraClaims.Scheme);

    private string? Find(string type) => Principal?.FindFirst(type)?.Value;
}
