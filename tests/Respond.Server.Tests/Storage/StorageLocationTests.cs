using Respond.Server.Storage;
using Respond.Server.Storage.Embedded;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Storage;

/// <summary>Where Respond finds things: the checkout's root, the PostgreSQL binaries, and each test's own database.</summary>
public sealed class StorageLocationTests
{
    [Fact]
    public void RepositoryRoot_finds_the_checkout_and_resolves_relative_paths_against_it()
    {
        using var folder = TestClusterFolder.Create();
        var repo = Path.Combine(folder.Path, "repo");
        var nested = Path.Combine(repo, "src", "Respond.Server", "bin");
        var outside = Path.Combine(folder.Path, "elsewhere");
        Directory.CreateDirectory(nested);
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(repo, "Respond.sln"), "");

        Assert.Equal(repo, RepositoryRoot.Find(nested));
        Assert.Equal(repo, RepositoryRoot.Find(repo));
        Assert.Null(RepositoryRoot.Find(outside));

        Assert.Equal(Path.Combine(repo, ".respond", "postgres"), RepositoryRoot.Resolve(".respond/postgres", outside, [nested]));
        Assert.Equal(Path.Combine(repo, "playbooks"), RepositoryRoot.Resolve("playbooks", outside, [outside, nested]));
        Assert.Equal(Path.Combine(outside, "playbooks"), RepositoryRoot.Resolve("playbooks", outside, [outside]));
        Assert.Equal("/srv/respond/data", RepositoryRoot.Resolve("/srv/respond/data", outside, [nested]));

        // The public overload searches from the current directory and the app's base directory: this test runs from the checkout.
        var checkout = RepositoryRoot.Find(AppContext.BaseDirectory);
        Assert.NotNull(checkout);
        Assert.Equal(Path.Combine(checkout, "playbooks"), RepositoryRoot.Resolve("playbooks", outside));
    }

    [Fact]
    public void PostgresBinaries_follow_links_on_PATH_and_prefer_the_newest_versioned_folder()
    {
        using var folder = TestClusterFolder.Create();
        foreach (var version in new[] { "9.6", "15", "10", "notes" })
        {
            var bin = Path.Combine(folder.Path, "lib", version, "bin");
            Directory.CreateDirectory(bin);
            foreach (var tool in new[] { "initdb", "pg_ctl", "postgres" })
            {
                File.WriteAllText(Path.Combine(bin, tool), "");
            }
        }

        Assert.Equal(Path.Combine(folder.Path, "lib", "15", "bin"), PostgresBinaries.FromDebianLayout(Path.Combine(folder.Path, "lib")));
        Assert.Null(PostgresBinaries.FromDebianLayout(Path.Combine(folder.Path, "missing")));

        var linked = Path.Combine(folder.Path, "usr-local-bin");
        Directory.CreateDirectory(linked);
        foreach (var tool in new[] { "initdb", "pg_ctl", "postgres" })
        {
            File.CreateSymbolicLink(Path.Combine(linked, tool), Path.Combine(folder.Path, "lib", "10", "bin", tool));
        }

        var path = string.Join(Path.PathSeparator, NoBinaries(folder.Path), linked);
        Assert.Equal(Path.Combine(folder.Path, "lib", "10", "bin"), PostgresBinaries.FromPath(path));
        Assert.Null(PostgresBinaries.FromPath(NoBinaries(folder.Path)));

        // On this machine the real binaries are found, whichever way.
        var real = PostgresBinaries.Find();
        Assert.NotNull(real);
        Assert.True(File.Exists(Path.Combine(real, "postgres")));
        if (PostgresBinaries.FromPgConfig() is { } viaPgConfig)
        {
            Assert.True(File.Exists(Path.Combine(viaPgConfig, "pg_ctl")));
        }

        static string NoBinaries(string root) => Path.Combine(root, "no-binaries-here");
    }
}
