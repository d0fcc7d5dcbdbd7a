using System.Net;
using System.Net.Sockets;

namespace Respond.Server.Connectors;

/// <summary>
/// An IP address or CIDR range to block, in canonical form. Only dotted-quad IPv4 and plain IPv6 are taken
/// (not "10.1" or zone ids), and ranges wider than /8 (IPv4) or /16 (IPv6) are refused: a templated mistake
/// must not cut off the whole internet.
/// </summary>
public sealed record IpBlockTarget(IPAddress Address, int? PrefixLength)
{
    public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    public override string ToString() => PrefixLength is { } prefix ? $"{Address}/{prefix}" : Address.ToString();

    public static IpBlockTarget Parse(ConnectorRequest request, string field)
    {
        var text = request.RequiredString(field);
        return TryParse(text, out var target, out var problem)
            ? target
            : throw InputValues.Refused(request, $"input.{field} {problem}");
    }

    public static bool TryParse(string text, out IpBlockTarget target, out string problem)
    {
        target = null!;
        var parts = text.Trim().Split('/');
        if (parts.Length > 2 || !IsPlainAddress(parts[0]) || !IPAddress.TryParse(parts[0], out var address))
        {
            problem = "is not an IP address or CIDR range.";
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        int? prefix = null;
        if (parts.Length == 2)
        {
            if (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p)
                || p > bits)
            {
                problem = $"has a prefix length that is not 0 to {bits}.";
                return false;
            }

            if (p < (bits == 32 ? 8 : 16))
            {
                problem = $"is a range too wide to block (/{p}); the widest allowed is /{(bits == 32 ? 8 : 16)}.";
                return false;
            }

            prefix = p;
        }

        target = new IpBlockTarget(address, prefix);
        problem = "";
        return true;
    }

    private static bool IsPlainAddress(string text) => text.Contains(':', StringComparison.Ordinal)
        ? !text.Contains('%', StringComparison.Ordinal)
        : text.Split('.') is { Length: 4 } octets && octets.All(o => o.Length is > 0 and <= 3 && o.All(char.IsAsciiDigit));
}
