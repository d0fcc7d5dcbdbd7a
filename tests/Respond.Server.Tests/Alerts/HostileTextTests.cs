using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Respond.Domain.Alerts;
using Respond.Domain.Common;
using Respond.Server.Tests.Infrastructure;

namespace Respond.Server.Tests.Alerts;

/// <summary>
/// Text PostgreSQL's jsonb cannot hold (NUL, lone surrogates) is kept as U+FFFD, never refused, never a
/// 500, and one alert that fails in storage fails only itself (docs/DIVERGENCES.md, Alerts).
/// </summary>
public class HostileTextTests(RespondApp app) : IClassFixture<RespondApp>
{
    private const char Replacement = '\uFFFD';

    private readonly HttpClient client = app.Anonymous();
    private readonly HttpClient viewer = app.As("viewer");
    private readonly HttpClient responder = app.As("responder");

    private async Task<JsonNode> AcceptedAsync(string source, string body) =>
        (await (await client.SendAsync(Samples.Delivery(source, body))).JsonAsync(HttpStatusCode.Accepted))["alerts"]![0]!;

    private async Task<JsonNode> IncidentAsync(JsonNode answer) =>
        await (await viewer.GetAsync($"/api/incidents/{answer["incidentId"]}")).JsonAsync(HttpStatusCode.OK);

    private async Task<string> StoredRawAsync(Guid alertId)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select data ->> 'alert' from respond.mt_doc_alertrecord where id = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = alertId } },
        };
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_nul_in_a_generic_alert_is_kept_as_a_replacement_character_and_its_clean_neighbours_are_accepted()
    {
        var id = "n1-" + Guid.NewGuid().ToString("N");
        var clean = Enumerable.Range(0, 16)
            .Select(i => client.SendAsync(Samples.Delivery("generic", Samples.Generic($"clean-{id}-{i}"))))
            .ToList();
        var bad = client.SendAsync(Samples.Delivery("generic",
            $$"""{"id":"{{id}}","title":"a\u0000b","category":"c\u0000","entities":[{"host":"h\u0000st","ip":"10.0.0.1"}],"cmd":"rm\u0000-rf"}"""));

        foreach (var response in await Task.WhenAll(clean))
        {
            await response.JsonAsync(HttpStatusCode.Accepted);
        }

        var answer = (await (await bad).JsonAsync(HttpStatusCode.Accepted))["alerts"]![0]!;

        var incident = await IncidentAsync(answer);
        Assert.Equal($"a{Replacement}b", incident["title"]!.GetValue<string>());
        Assert.Equal([$"h{Replacement}st"], incident["entities"]!["hosts"]!.AsArray().Select(h => h!.GetValue<string>()));
        Assert.Equal($"c{Replacement}", incident["alerts"]![0]!["category"]!.GetValue<string>());
        var raw = await StoredRawAsync(answer["alertId"]!.GetValue<Guid>());
        Assert.Contains($"rm{Replacement}-rf", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alert_that_fails_in_storage_fails_alone_and_its_neighbours_in_the_batch_are_stored()
    {
        // A real refusal inside the shared transaction that no sanitizer would catch: a trigger for one title.
        var poison = "poison-" + Guid.NewGuid().ToString("N");
        await ExecAsync($"""
            create function respond.refuse_{poison.Replace('-', '_')}() returns trigger language plpgsql as $$
            begin
              if new.data -> 'alert' ->> 'title' = '{poison}' then raise exception 'refused by test'; end if;
              return new;
            end $$;
            create trigger refuse_{poison.Replace('-', '_')} before insert on respond.mt_doc_alertrecord
              for each row execute function respond.refuse_{poison.Replace('-', '_')}();
            """);
        try
        {
            for (var round = 0; round < 3; round++)
            {
                var clean = Enumerable.Range(0, 24)
                    .Select(i => client.SendAsync(Samples.Delivery("generic", Samples.Generic($"{poison}-{round}-{i}"))))
                    .ToList();
                var bad = client.SendAsync(Samples.Delivery("generic", Samples.Generic($"{poison}-{round}", title: poison)));

                foreach (var response in await Task.WhenAll(clean))
                {
                    var answer = (await response.JsonAsync(HttpStatusCode.Accepted))["alerts"]![0]!;
                    Assert.Equal("opened", answer["disposition"]!.GetValue<string>());
                    await IncidentAsync(answer);
                }

                var refused = await bad;
                Assert.True(refused.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadRequest,
                    $"{(int)refused.StatusCode}: {await refused.Content.ReadAsStringAsync()}");
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            }

            // The pool is healthy afterwards: a clean alert alone still goes through.
            await AcceptedAsync("generic", Samples.Generic($"{poison}-after"));
        }
        finally
        {
            await ExecAsync($"drop trigger refuse_{poison.Replace('-', '_')} on respond.mt_doc_alertrecord");
        }
    }

    [Fact]
    public async Task A_nul_that_reaches_storage_past_the_edge_fails_only_its_own_alert()
    {
        // Past the sanitizer on purpose: PostgreSQL refuses the NUL while binding the shared batch, the very
        // fault that used to leave the pooled connection out of step and fail the next alert on it.
        var ingestor = app.Service<Respond.Server.Alerts.GroupCommit>();
        for (var round = 0; round < 4; round++)
        {
            var key = $"raw-nul-{Guid.NewGuid():N}";
            var clean = Enumerable.Range(0, 24)
                .Select(i => client.SendAsync(Samples.Delivery("generic", Samples.Generic($"{key}-{i}"))))
                .ToList();
            var poisoned = Enumerable.Range(0, 2).Select(i => ingestor.IngestAsync(new NormalizedAlert
            {
                Source = "generic",
                Kind = "generic",
                ExternalId = $"{key}-bad-{i}",
                DedupKey = $"{key}-bad-{i}",
                CorrelationKey = $"{key}-bad-{i}",
                Title = "a\0b",
                Severity = Severity.High,
                Status = AlertStatus.Firing,
                Raw = System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone(),
            }, CancellationToken.None)).ToList();

            foreach (var response in await Task.WhenAll(clean))
            {
                await IncidentAsync((await response.JsonAsync(HttpStatusCode.Accepted))["alerts"]![0]!);
            }

            foreach (var bad in poisoned)
            {
                await Assert.ThrowsAnyAsync<Exception>(() => bad);
            }
        }

        await AcceptedAsync("generic", Samples.Generic($"raw-nul-after-{Guid.NewGuid():N}"));
    }

    private async Task ExecAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_nul_in_an_alertmanager_alert_is_kept_in_labels_annotations_and_entities()
    {
        var group = "{}:{alertname=\"Nul" + Guid.NewGuid().ToString("N") + "\"}";
        var body = $$"""
            {"version":"4","groupKey":{{System.Text.Json.JsonSerializer.Serialize(group)}},"status":"firing",
             "alerts":[{"status":"firing","labels":{"alertname":"Nul\u0000","severity":"warning","host":"db\u0000-01","user":"ev\u0000il",
               "x\u0000key":"v"},"annotations":{"summary":"s\u0000","description":"d\u0000"},"startsAt":"2026-11-23T10:00:00Z",
               "fingerprint":"fp\u0000"}]}
            """;
        var answer = await AcceptedAsync("alertmanager", body);

        var incident = await IncidentAsync(answer);
        Assert.Equal($"s{Replacement}", incident["title"]!.GetValue<string>());
        Assert.Equal($"d{Replacement}", incident["description"]!.GetValue<string>());
        Assert.Equal($"db{Replacement}-01", incident["entities"]!["hosts"]![0]!.GetValue<string>());
        Assert.Equal($"ev{Replacement}il", incident["entities"]!["accounts"]![0]!.GetValue<string>());
        Assert.Equal($"fp{Replacement}", incident["alerts"]![0]!["externalId"]!.GetValue<string>());
        var raw = await StoredRawAsync(answer["alertId"]!.GetValue<Guid>());
        Assert.Contains($"x{Replacement}key", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0000", raw, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("generic", """{"id":"%ID%","title":"lone \ud800 high","description":"x"}""", "lone \uFFFD high")]
    [InlineData("generic", """{"id":"%ID%","title":"lone \udc00 low"}""", "lone \uFFFD low")]
    [InlineData("generic", """{"id":"%ID%","title":"reversed \udc00\ud800"}""", "reversed \uFFFD\uFFFD")]
    [InlineData("generic", """{"id":"%ID%","title":"high at the end \udbff"}""", "high at the end \uFFFD")]
    [InlineData("generic", """{"id":"%ID%","title":"a pair \ud83d\ude00 stays"}""", "a pair \U0001F600 stays")]
    [InlineData("generic", """{"id":"%ID%","title":"not an escape \\u0000"}""", "not an escape \\u0000")]
    public async Task Lone_surrogates_are_replaced_and_a_valid_pair_stays(string source, string template, string expectedTitle)
    {
        var answer = await AcceptedAsync(source, template.Replace("%ID%", Guid.NewGuid().ToString("N"), StringComparison.Ordinal));
        Assert.Equal(expectedTitle, (await IncidentAsync(answer))["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("generic", "{\"id\":\"u-%ID%\",\"title\":\"a%BAD%b\"}")]
    [InlineData("alertmanager", "{\"groupKey\":\"g-%ID%\",\"alerts\":[{\"fingerprint\":\"f-%ID%\",\"labels\":{\"alertname\":\"a%BAD%\"}}]}")]
    [InlineData("defender", "{\"SystemAlertId\":\"d-%ID%\",\"AlertDisplayName\":\"x%BAD%\",\"Severity\":\"High\"}")]
    public async Task A_body_that_is_not_utf8_is_400_and_stores_nothing(string source, string template)
    {
        var text = template.Replace("%ID%", Guid.NewGuid().ToString("N"), StringComparison.Ordinal);
        var cut = text.IndexOf("%BAD%", StringComparison.Ordinal);
        byte[] bytes = [.. Encoding.UTF8.GetBytes(text[..cut]), 0xFF, 0xED, 0xA0, 0x80, .. Encoding.UTF8.GetBytes(text[(cut + 5)..])];
        var request = Samples.Delivery(source, "");
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var before = await StoredCounts.ReadAsync(app.ConnectionString);
        await (await client.SendAsync(request)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await StoredCounts.ReadAsync(app.ConnectionString));
    }

    [Fact]
    public async Task A_signed_delivery_with_a_nul_is_checked_against_the_bytes_sent_and_then_kept()
    {
        var body = $$"""{"id":"signed-{{Guid.NewGuid():N}}","title":"t\u0000"}""";
        var request = Samples.Delivery("generic", body, token: null);
        request.Headers.Add(Respond.Server.Alerts.SourceAuthenticator.SignatureHeader,
            Respond.Server.Alerts.SourceAuthenticator.Sign(TestUsers.SigningSecret, Encoding.UTF8.GetBytes(body), DateTimeOffset.UtcNow));
        var answer = (await (await client.SendAsync(request)).JsonAsync(HttpStatusCode.Accepted))["alerts"]![0]!;
        Assert.Equal($"t{Replacement}", (await IncidentAsync(answer))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_nul_in_a_comment_and_in_incident_text_is_kept()
    {
        var opened = await responder.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/incidents")
        {
            Content = new StringContent("""{"title":"by \u0000 hand","description":"\ud800"}""", Encoding.UTF8, "application/json"),
        });
        var id = (await opened.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<Guid>();

        var comment = await responder.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{id}/comments")
        {
            Content = new StringContent("""{"text":"ran cmd.exe /c \u0000 \udfff"}""", Encoding.UTF8, "application/json"),
        });
        await comment.JsonAsync(HttpStatusCode.OK);

        var incident = await (await viewer.GetAsync($"/api/incidents/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal($"by {Replacement} hand", incident["title"]!.GetValue<string>());
        Assert.Equal($"{Replacement}", incident["description"]!.GetValue<string>());
        Assert.Equal($"ran cmd.exe /c {Replacement} {Replacement}", incident["comments"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_command_body_that_is_not_utf8_is_400()
    {
        var id = await responder.OpenIncidentAsync();
        var content = new ByteArrayContent([.. "{\"text\":\"a"u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        await (await responder.PostAsync($"/api/incidents/{id}/comments", content)).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_nul_in_a_playbook_draft_is_kept()
    {
        var author = app.As("author");
        var id = "nul-draft-" + Guid.NewGuid().ToString("N")[..8];
        var body = $$$"""
            {"id":"{{{id}}}","name":"Nul \u0000 draft","description":"lone \ud800","trigger":{"on":"manual"},
             "steps":[{"id":"note","type":"incident.comment","with":{"text":"x\u0000y"}}]}
            """;
        var saved = await author.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/playbooks/{id}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        });
        Assert.True((int)saved.StatusCode < 500, $"{(int)saved.StatusCode}: {await saved.Content.ReadAsStringAsync()}");
        Assert.True(saved.IsSuccessStatusCode, $"{(int)saved.StatusCode}: {await saved.Content.ReadAsStringAsync()}");

        var draft = await (await author.GetAsync($"/api/playbooks/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains($"Nul {Replacement} draft", draft.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_webhook_kind_accepts_a_nul_in_its_text()
    {
        foreach (var (source, path) in new[]
                 {
                     ("azure-monitor", "azure-monitor/metric-fired.json"),
                     ("defender", "defender/security-alert-bruteforce.json"),
                     ("grafana", "grafana/firing.json"),
                 })
        {
            var sample = Samples.Read(path);
            var node = JsonNode.Parse(sample)!;
            Poison(node);
            var text = node.ToJsonString().Replace("POISON", "\\u0000\\ud800", StringComparison.Ordinal);
            var response = await client.SendAsync(Samples.Delivery(source, text));
            Assert.True(response.StatusCode == HttpStatusCode.Accepted,
                $"{source}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    // Adds a NUL and a lone surrogate to every string of a sample, keys left alone so the format still reads.
    private static void Poison(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var s) && !LooksStructural(s))
                    {
                        obj[key] = s + "POISON";
                    }
                    else if (value is not null)
                    {
                        Poison(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Poison(item);
                    }
                }

                break;
        }
    }

    // Times, ids and enum-like words decide the format; text around them is what a sender controls.
    private static bool LooksStructural(string s) =>
        s.Length < 12 || DateTimeOffset.TryParse(s, out _) || s.StartsWith('/') || s.StartsWith("http", StringComparison.Ordinal)
        || s.Contains("schema", StringComparison.OrdinalIgnoreCase);
}
