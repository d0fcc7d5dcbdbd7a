using Microsoft.Extensions.Options;

namespace Respond.Server.Auth;

public sealed class UserOptions
{
    public string? ApiKey { get; set; }
    public List<string> Roles { get; set; } = [];
}

public sealed record RespondUser(string Name, IReadOnlySet<string> Roles);

/// <summary>The API-key users of <c>Respond:Users</c>. Keys are held only as SHA-256 digests.</summary>
public sealed class UserDirectory
{
    private readonly (RespondUser User, byte[] KeyDigest)[] users;

    public UserDirectory(IOptions<Dictionary<string, UserOptions>> options, ILogger<UserDirectory> logger)
    {
        var list = new List<(RespondUser, byte[])>();
        foreach (var (name, user) in options.Value)
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

            list.Add((new RespondUser(name, Auth.Roles.Expand(user.Roles)), SecretComparer.Digest(user.ApiKey)));
        }

        users = [.. list];
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
            if (System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(digest, keyDigest))
            {
                found = user;
            }
        }

        return found;
    }

    public RespondUser? FindByName(string name) =>
        users.Select(u => u.User).FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
}
