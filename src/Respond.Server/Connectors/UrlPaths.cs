namespace Respond.Server.Connectors;

/// <summary>
/// Builds target URLs under a configured base URL. Values from a playbook become single escaped path segments
/// (never <c>.</c> or <c>..</c>), and a free-form path may not leave the base: no absolute or scheme-relative
/// URL, no backslash or <c>@</c>, no <c>..</c> above the base path.
/// </summary>
public static class UrlPaths
{
    /// <summary>The base URL with <paramref name="relative"/> (already escaped, may carry a query) appended to its path.</summary>
    public static Uri Combine(Uri baseUrl, string relative)
    {
        var (path, query) = SplitQuery(relative);
        var basePath = baseUrl.AbsolutePath.TrimEnd('/');
        var joinedQuery = string.Join('&', new[] { baseUrl.Query.TrimStart('?'), query }.Where(q => q.Length > 0));
        var text = baseUrl.GetLeftPart(UriPartial.Authority) + basePath + "/" + path.TrimStart('/')
            + (joinedQuery.Length > 0 ? "?" + joinedQuery : "");
        return new Uri(text, UriKind.Absolute);
    }

    /// <summary>
    /// One path segment from a value (<paramref name="what"/> names it in the message, e.g. "input.machineId"),
    /// escaped; refuses values a URL would read as a dot segment.
    /// </summary>
    public static string Segment(ConnectorRequest request, string what, string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 0 || trimmed is "." or ".." || trimmed.Any(char.IsControl))
        {
            throw InputValues.Refused(request, $"{what} is not a usable path segment.");
        }

        return Uri.EscapeDataString(trimmed);
    }

    /// <summary>A playbook's free-form path (the http kind's <c>path</c>), resolved under the base URL or refused.</summary>
    public static Uri Resolve(ConnectorRequest request, Uri baseUrl, string path)
    {
        if (path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw Escape(request, "contains spaces or control characters");
        }

        var (pathPart, query) = SplitQuery(path);
        var decoded = Uri.UnescapeDataString(pathPart);
        if (pathPart.StartsWith("//", StringComparison.Ordinal) || decoded.StartsWith("//", StringComparison.Ordinal))
        {
            throw Escape(request, "is a scheme-relative URL (//host)");
        }

        if (HasScheme(pathPart) || HasScheme(decoded))
        {
            throw Escape(request, "is an absolute URL; give a path relative to the connector's BaseUrl");
        }

        if (decoded.Contains('\\', StringComparison.Ordinal) || decoded.Contains('@', StringComparison.Ordinal))
        {
            throw Escape(request, "contains a backslash or '@'");
        }

        var segments = new List<string>();
        var parts = pathPart.Split('/');
        foreach (var segment in parts.Where(s => s.Length > 0))
        {
            var decodedSegment = Uri.UnescapeDataString(segment);
            if (decodedSegment is "." or ".." && segment != decodedSegment)
            {
                // An escaped dot segment is a value (PathSegments.Escape writes one so); servers differ on reading it, so none is sent.
                throw Escape(request, "holds an escaped dot segment (%2E)");
            }

            switch (segment)
            {
                case ".":
                    continue;
                case ".." when segments.Count == 0:
                    throw Escape(request, "climbs above the connector's BaseUrl with '..'");
                case "..":
                    segments.RemoveAt(segments.Count - 1);
                    continue;
                default:
                    segments.Add(segment);
                    break;
            }
        }

        var trailingSlash = pathPart.EndsWith('/') && segments.Count > 0 ? "/" : "";
        var relative = string.Join('/', segments) + trailingSlash + (query.Length > 0 ? "?" + query : "");
        return Combine(baseUrl, relative);
    }

    // RFC 3986 scheme: a letter, then letters, digits, '+', '-' or '.', then ':' before any '/'.
    private static bool HasScheme(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return colon > 0 && (slash < 0 || colon < slash) && char.IsAsciiLetter(text[0])
            && text[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
    }

    private static (string Path, string Query) SplitQuery(string relative)
    {
        var withoutFragment = relative.Split('#', 2)[0];
        var parts = withoutFragment.Split('?', 2);
        return (parts[0], parts.Length > 1 ? parts[1] : "");
    }

    private static ConnectorException Escape(ConnectorRequest request, string why) =>
        InputValues.Refused(request, $"input.path {why}; it was refused and nothing was sent.");
}
