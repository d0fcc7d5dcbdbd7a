using System.Security.Cryptography;
using Respond.Server.Storage;

namespace Respond.Server.Auth;

/// <summary>
/// A first start with no <c>Respond:Users</c> would lock everyone out. Instead, an admin key is
/// generated into <c>.respond/admin.key</c> (mode 0600) and only its path is logged: the key
/// itself never reaches a log. Configuring any user turns this off.
/// </summary>
public static class BootstrapAdmin
{
    public const string UserName = "admin";

    public static string? Apply(WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetSection("Respond:Users").GetChildren().Any())
        {
            return null;
        }

        var path = RepositoryRoot.Resolve(
            builder.Configuration["Respond:Auth:BootstrapKeyPath"] ?? ".respond/admin.key", builder.Environment.ContentRootPath);
        builder.Configuration[$"Respond:Users:{UserName}:ApiKey"] = EnsureKey(path);
        builder.Configuration[$"Respond:Users:{UserName}:Roles:0"] = Roles.Admin;
        return path;
    }

    public static string EnsureKey(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 32)
            {
                return existing;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = "rsp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(path, options)))
        {
            writer.WriteLine(key);
        }

        return key;
    }
}

/// <summary>Says where the generated key is, once the logging pipeline exists.</summary>
internal sealed class BootstrapAdminNotice(string path, ILogger<BootstrapAdminNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning(
            "No users are configured (Respond:Users): signed-in access uses the admin API key in {Path}. Configure users to turn this off",
            path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
