using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Respond.Server.Auth;

public sealed class UserOptions
{
    public string? ApiKey { get; set; }
    public List<string> Roles { get; set; } = [];
}

/// <summary>
/// A configured user. <paramref name="KeyStamp"/> changes whenever the user's API key does, and so ends
/// the sessions opened with the old key; it is derived from the key's digest and cannot be used as one.
/// </summary>
public sealed record RespondUser(string Name, IReadOnlySet<string> Roles, string KeyStamp = "");

/// <summary>
/// The API-key users of <c>Respond:Users</c>, rebuilt whenever the configuration reloads (a rotated key
/// or changed roles apply at once). Keys are held only as SHA-256 digests.
/// </summary>
public sealed class UserDirectory
{
    private readonly ILogger<UserDirectory> logger;
    private volatile (RespondUser User, byte[] KeyDigest)[] users;

    public UserDirectory(IOptionsMonitor<Dictionary<string, UserOptions>> options, ILogger<UserDirectory> logger)
    {
        this.logger = logger;
        users = Build(options.CurrentValue);
        options.OnChange(changed => users = Build(changed));
    }

    private (RespondUser, byte[])[] Build(Dictionary<string, UserOptions> configured)
    {
        var list = new List<(RespondUser, byte[])>();
        foreach (var (name, user) in configured)
        {
            if (string.IsNullOrWhiteSpace(user.ApiKey))
            {
                logger.LogWarning("User {User} has no ApiKey and cannot sign in", name);
                continue;
            }

            if (user.ApiKey.Length < 16)
            {
                logger.LogWarning("User {User} has an API key shorter than 16 characters; use a long random key", name);
            }

            var digest = SecretComparer.Digest(user.ApiKey);
            var stamp = Convert.ToHexStringLower(SHA256.HashData([.. Encoding.ASCII.GetBytes("respond-key-stamp:"), .. digest]))[..32];
            list.Add((new RespondUser(name, Auth.Roles.Expand(user.Roles), stamp), digest));
        }

        return [.. list];
    }

    /// <summary>Checks the key against every user, without stopping early, so timing tells nothing.</summary>
    public RespondUser? FindByApiKey(string? apiKey)
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            return null;
        }

        var digest = SecretComparer.Digest(apiKey);
        RespondUser? found = null;
        foreach (var (user, keyDigest) in users)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, keyDigest))
            {
                found = user;
            }
        }

        return found;
    }

    public RespondUser? FindByName(string name) =>
        users.Select(u => u.User).FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
}
