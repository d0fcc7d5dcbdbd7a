using System.Text;
using System.Text.Json;
using Respond.Server.Hosting;

namespace Respond.Server.Tests.Hosting;

/// <summary>The edge's rewrite of escapes jsonb cannot store: only real escapes inside strings, same length.</summary>
public class StorableJsonTextTests
{
    private static (string Json, int Replaced) Rewrite(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var replaced = RequestBodies.ReplaceUnstorableEscapes(bytes);
        Assert.Equal(Encoding.UTF8.GetByteCount(json), bytes.Length);
        return (Encoding.UTF8.GetString(bytes), replaced);
    }

    [Theory]
    [InlineData("""{"t":"a\u0000b"}""", """{"t":"a\ufffdb"}""", 1)]
    [InlineData("""{"k\u0000ey":1}""", """{"k\ufffdey":1}""", 1)]
    [InlineData("""{"t":"\ud800"}""", """{"t":"\ufffd"}""", 1)]
    [InlineData("""{"t":"\uDBFFx"}""", """{"t":"\ufffdx"}""", 1)]
    [InlineData("""{"t":"\udc00\ud800"}""", """{"t":"\ufffd\ufffd"}""", 2)]
    [InlineData("""{"t":"\ud800\ud800\udc00"}""", """{"t":"\ufffd\ud800\udc00"}""", 1)]
    [InlineData("""["\u0000","\udfff",{"\ud83d":"\u0000"}]""", """["\ufffd","\ufffd",{"\ufffd":"\ufffd"}]""", 4)]
    public void Nul_and_lone_surrogate_escapes_become_replacement_characters(string json, string expected, int count)
    {
        var (rewritten, replaced) = Rewrite(json);
        Assert.Equal(expected, rewritten);
        Assert.Equal(count, replaced);
        using var _ = JsonDocument.Parse(rewritten); // still JSON, and every string now reads
    }

    [Theory]
    [InlineData("""{"t":"\ud83d\ude00"}""")]                 // a valid pair
    [InlineData("""{"t":"\\u0000"}""")]                       // an escaped backslash, then text
    [InlineData("""{"t":"\\\\u0000"}""")]
    [InlineData("""{"t":"say \"\\\" \u0041"}""")]             // escaped quotes do not end the string
    [InlineData("""{"t":"\u00e9\u0001\u001f"}""")]            // other escapes, control characters included
    [InlineData("""{"n":0,"t":"x"}""")]
    [InlineData("""{"t":"\u00""")]                            // truncated: the parser refuses it
    [InlineData("""{"t":"\uzzzz"}""")]
    [InlineData("")]
    public void Everything_else_is_left_alone(string json)
    {
        var (rewritten, replaced) = Rewrite(json);
        Assert.Equal(json, rewritten);
        Assert.Equal(0, replaced);
    }

    [Fact]
    public void Escape_like_text_outside_strings_is_not_touched()
    {
        // Not JSON, but the scan must not treat a backslash outside a string as an escape.
        var (rewritten, replaced) = Rewrite("""\u0000 "a\u0000" \u0000""");
        Assert.Equal("""\u0000 "a\ufffd" \u0000""", rewritten);
        Assert.Equal(1, replaced);
    }

    [Fact]
    public void A_rewritten_body_reads_as_strings_with_replacement_characters()
    {
        var (rewritten, _) = Rewrite("""{"title":"cmd.exe \u0000 /c \ud800 \ud83d\ude00"}""");
        using var document = JsonDocument.Parse(rewritten);
        Assert.Equal("cmd.exe \uFFFD /c \uFFFD \U0001F600", document.RootElement.GetProperty("title").GetString());
    }
}

/// <summary>What an outbound call answers becomes a step's output, stored in jsonb: it is made storable the same way.</summary>
public class StorableOutboundAnswerTests
{
    private static Respond.Server.Connectors.OutboundResponse Answer(string body, string? mediaType) =>
        new(200, new Dictionary<string, string>(), mediaType, Encoding.UTF8.GetBytes(body), false);

    [Fact]
    public void A_json_answer_with_nul_and_lone_surrogate_escapes_reads_with_replacement_characters()
    {
        var output = Answer("""{"message":"a\u0000b \ud800"}""", "application/json").ApiOutput();
        Assert.Equal("a\uFFFDb \uFFFD", output["message"]!.GetValue<string>());
    }

    [Fact]
    public void A_text_answer_with_a_raw_nul_reads_with_a_replacement_character()
    {
        var output = Answer("x\0y", "text/plain").JsonOrText();
        Assert.Equal("x\uFFFDy", output!.GetValue<string>());
    }
}
