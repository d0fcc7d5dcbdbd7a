using Respond.Domain.Incidents;

namespace Respond.Domain.Tests.Architecture;

/// <summary>
/// The domain stays pure: events, state and decisions with no host, storage or messaging library under them, so
/// its decisions are tested without I/O and can never reach the database or the network by accident.
/// </summary>
public class DomainDependencyTests
{
    // The BCL, the expression sandbox (Jint on Acornima), and Newtonsoft.Json for the generic sources' JSONPath.
    private static readonly string[] Allowed = ["System", "netstandard", "mscorlib", "Jint", "Acornima", "Newtonsoft.Json"];

    [Fact]
    public void The_domain_references_only_the_bcl_jint_and_its_json_libraries()
    {
        var references = typeof(Incident).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        var strangers = references.Where(name => !Allowed.Any(allowed => name == allowed
            || name.StartsWith(allowed + ".", StringComparison.Ordinal)));

        Assert.True(!strangers.Any(), $"Respond.Domain must stay free of host, storage and messaging libraries, but references: " +
                                       string.Join(", ", strangers));
        Assert.Contains("Jint", references); // the check reads real references: an empty list would pass anything
    }
}
