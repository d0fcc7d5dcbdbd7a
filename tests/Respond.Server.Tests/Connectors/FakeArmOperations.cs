using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Respond.Server.Tests.Connectors;

/// <summary>
/// Azure Resource Manager's long-running operations on a WireMock server: a 202 with <c>Azure-AsyncOperation</c> and
/// <c>Location</c>, and resources whose state moves on with each poll (WireMock scenarios), as ARM's do.
/// </summary>
public static class FakeArmOperations
{
    public const string Json = "application/json; charset=utf-8";

    /// <summary>POST <paramref name="path"/> answers 202, pointing at <paramref name="asyncOperation"/> and <paramref name="location"/>.</summary>
    public static void Accepts(this WireMockServer arm, string path, string? asyncOperation, string? location, int? retryAfter = null)
    {
        var response = Response.Create().WithStatusCode(202);
        if (asyncOperation is not null)
        {
            response = response.WithHeader("Azure-AsyncOperation", asyncOperation);
        }

        if (location is not null)
        {
            response = response.WithHeader("Location", location);
        }

        if (retryAfter is not null)
        {
            response = response.WithHeader("Retry-After", retryAfter.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        arm.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(response);
    }

    /// <summary>GET <paramref name="path"/> answers each body in turn, the last one from then on.</summary>
    public static void AnswersInTurn(this WireMockServer arm, string path, params string[] bodies)
    {
        var scenario = $"{path} {Guid.NewGuid():N}";
        for (var i = 0; i < bodies.Length; i++)
        {
            // WireMock matches a scenario's first mapping in any state, so each later state outranks the one before.
            var request = arm.Given(Request.Create().WithPath(path).UsingGet()).AtPriority(100 - i);
            if (bodies.Length > 1)
            {
                request = request.InScenario(scenario);
            }

            if (i > 0)
            {
                request = request.WhenStateIs($"poll {i}");
            }

            if (bodies.Length > 1)
            {
                // The last state sets itself again: a mapping that sets none ends the scenario, back to the first answer.
                request = request.WillSetStateTo($"poll {Math.Min(i + 1, bodies.Length - 1)}");
            }

            request.RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", Json).WithBody(bodies[i]));
        }
    }

    public static IReadOnlyList<IRequestMessage> To(this WireMockServer arm, string method, string path) =>
        [.. arm.ApiRequests().Where(r => r.Method == method && r.Path == path)];

    public static string ApiVersion(this IRequestMessage request) => request.Query!["api-version"].Single();
}
