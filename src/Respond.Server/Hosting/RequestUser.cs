using System.Security.Claims;

namespace Respond.Server.Hosting;

public static class RequestUser
{
    /// <summary>Who the audit trail names for this request: the user's stable id.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
