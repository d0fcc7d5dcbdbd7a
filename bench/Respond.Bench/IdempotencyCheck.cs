using System.Globalization;

namespace Respond.Bench;

/// <summary>
/// What the target saw of the engine's <c>Idempotency-Key: &lt;runId&gt;:&lt;stepId&gt;</c> (SPEC §4). Each bench alert
/// has its own IP, and starts one run; so a (run, step) is told apart at the target, independently of the key, by
/// the IP and the endpoint (<c>/blocks</c> is step <c>block</c>, <c>/notify</c> step <c>notify</c>). Each of them
/// should carry exactly one distinct key, of that step, sent once; and the steps of one alert should share one run id.
/// </summary>
internal sealed record IdempotencyCheck(
    int Requests,
    int RunSteps,
    int Runs,
    int WithoutKey,
    int WithoutIp,
    int WrongToken,
    int MalformedKeys,
    int WrongStepInKey,
    int RunStepsWithSeveralKeys,
    int AlertsWithSeveralRuns,
    int RepeatedSends)
{
    public bool Clean =>
        WithoutKey + WithoutIp + WrongToken + MalformedKeys + WrongStepInKey + RunStepsWithSeveralKeys + AlertsWithSeveralRuns + RepeatedSends == 0;

    public static IdempotencyCheck Of(IEnumerable<TargetRequest> received)
    {
        var requests = received.ToArray();
        var keyed = requests.Where(r => r.IdempotencyKey is not null && r.Ip is not null).ToArray();

        var malformed = 0;
        var wrongStep = 0;
        foreach (var request in keyed)
        {
            if (Split(request.IdempotencyKey!) is not var (_, step))
            {
                malformed++;
            }
            else if (step != StepOf(request.Path))
            {
                wrongStep++;
            }
        }

        // (run, step) = (IP, endpoint): one distinct key each, each key sent once.
        var runSteps = keyed.GroupBy(r => (r.Ip, r.Path)).ToArray();
        var severalKeys = runSteps.Count(g => g.Select(r => r.IdempotencyKey).Distinct(StringComparer.Ordinal).Count() > 1);
        var repeats = runSteps.Sum(g => g.Count() - g.Select(r => r.IdempotencyKey).Distinct(StringComparer.Ordinal).Count());

        // One run per alert: the run ids in the keys of one IP's requests (block and notify) are one.
        var runIdsByAlert = keyed
            .Where(r => Split(r.IdempotencyKey!) is not null)
            .GroupBy(r => r.Ip!, StringComparer.Ordinal)
            .Select(g => g.Select(r => Split(r.IdempotencyKey!)!.Value.RunId).Distinct(StringComparer.Ordinal).Count())
            .ToArray();

        return new IdempotencyCheck(
            requests.Length,
            runSteps.Length,
            runIdsByAlert.Sum(),
            requests.Count(r => r.IdempotencyKey is null),
            requests.Count(r => r.Ip is null),
            requests.Count(r => r.Path == FirewallTarget.BlocksPath && !r.TokenMatched),
            malformed,
            wrongStep,
            severalKeys,
            runIdsByAlert.Count(n => n > 1),
            repeats);
    }

    public void Write()
    {
        var culture = CultureInfo.InvariantCulture;
        PlaybookScenario.Row("idempotency keys", string.Create(culture,
            $"{(Clean ? "OK" : "PROBLEMS")}: {Requests} requests at the target, {Runs} runs, {RunSteps} (run, step) pairs"));
        if (Clean)
        {
            Console.WriteLine("  every (run, step) carried exactly one distinct Idempotency-Key <runId>:<stepId>, sent once; one run per alert");
            return;
        }

        void Line(int count, string what)
        {
            if (count > 0)
            {
                Console.WriteLine(string.Create(culture, $"  {count} {what}"));
            }
        }

        Line(WithoutKey, "requests without an Idempotency-Key");
        Line(WithoutIp, "requests without an ip in their body (not attributable to an alert)");
        Line(WrongToken, "firewall requests without the connector's bearer token");
        Line(MalformedKeys, "keys not of the form <runId>:<stepId>");
        Line(WrongStepInKey, "keys naming another step than the endpoint's (block for /blocks, notify for /notify)");
        Line(RunStepsWithSeveralKeys, "(run, step) pairs that carried more than one distinct key");
        Line(AlertsWithSeveralRuns, "alerts whose requests carried more than one run id (the trigger started the playbook twice)");
        Line(RepeatedSends, "repeated requests with a key already seen (the step ran again)");
    }

    private static string StepOf(string path) => path == FirewallTarget.BlocksPath ? "block" : "notify";

    // "<runId>:<stepId>"; a step id has no ':' (it is a JSON id), a run id might.
    private static (string RunId, string Step)? Split(string key)
    {
        var colon = key.LastIndexOf(':');
        return colon > 0 && colon < key.Length - 1 ? (key[..colon], key[(colon + 1)..]) : null;
    }
}
