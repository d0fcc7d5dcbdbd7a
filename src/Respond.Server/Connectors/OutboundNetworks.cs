using System.Net;
using System.Net.Sockets;

namespace Respond.Server.Connectors;

/// <summary>
/// Which addresses an outbound call may connect to, checked on the address a host name resolved to at connect
/// time (so a name that resolves, or is rebound, to an inside address is caught). Refused unless the connector's
/// <c>AllowedNetworks</c> lists them: loopback, link-local, unspecified, multicast and broadcast, and the private
/// ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), IPv4-mapped IPv6 forms included. Cloud metadata
/// addresses are refused whatever the allow-list says.
/// </summary>
public sealed class OutboundNetworks
{
    /// <summary>The setting under a connector: CIDR networks it may reach although they are inside, e.g. 10.0.0.0/8.</summary>
    public const string AllowedNetworksSetting = "AllowedNetworks";

    private static readonly IPNetwork[] Inside =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    // AWS, Azure, GCP (169.254.169.254), AWS over IPv6 (fd00:ec2::254), Alibaba (100.100.100.200), Oracle (192.0.0.192).
    private static readonly IPAddress[] Metadata =
        [IPAddress.Parse("169.254.169.254"), IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("100.100.100.200"), IPAddress.Parse("192.0.0.192")];

    private readonly IPNetwork[] allowed;

    private OutboundNetworks(IPNetwork[] allowed, string key)
    {
        this.allowed = allowed;
        Key = key;
    }

    /// <summary>Only public addresses.</summary>
    public static OutboundNetworks PublicOnly { get; } = new([], "");

    /// <summary>Equal for equal allow-lists: calls under different lists never share a connection.</summary>
    public string Key { get; }

    /// <summary>The connector's policy from <c>Respond:Connectors:{name}:AllowedNetworks:{n}</c>; a bad entry is refused by name.</summary>
    public static OutboundNetworks For(ConnectorRequest request)
    {
        var entries = request.Settings.GetSection(AllowedNetworksSetting);
        var networks = new List<IPNetwork>();
        foreach (var entry in entries.GetChildren().Select(c => c.Value).Append(entries.Value).OfType<string>()
            .SelectMany(v => v.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            networks.Add(IPNetwork.TryParse(entry, out var network)
                ? network
                : throw new ConnectorException(
                    $"Connector '{request.ConnectorName}': the setting {AllowedNetworksSetting} holds '{entry}', "
                    + "which is not a CIDR network such as 10.0.0.0/8.",
                    retryable: false));
        }

        return networks.Count == 0 ? PublicOnly : new OutboundNetworks([.. networks], string.Join(',', networks.Select(n => n.ToString()).Order()));
    }

    /// <summary>Whether a call under this policy may connect to <paramref name="address"/>.</summary>
    public bool Allows(IPAddress address)
    {
        var plain = Plain(address);
        if (Metadata.Contains(plain))
        {
            return false;
        }

        return !IsInside(plain) || allowed.Any(n => n.Contains(plain) || n.Contains(address));
    }

    /// <summary>Inside the network (loopback, private, link-local, …): refused unless allowed.</summary>
    public static bool IsInside(IPAddress address)
    {
        var plain = Plain(address);
        return Metadata.Contains(plain) || Inside.Any(n => n.Contains(plain)) || plain.Equals(IPAddress.Broadcast);
    }

    // ::ffff:a.b.c.d (and the deprecated ::a.b.c.d) are the IPv4 address they carry.
    private static IPAddress Plain(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var compatible = bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0
            && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0 && bytes[15] <= 1);
        return compatible ? new IPAddress(bytes.AsSpan(12, 4)) : address;
    }

    /// <summary>
    /// Resolves <paramref name="host"/>, keeps the addresses this policy allows, and connects to the first that answers.
    /// Throws <see cref="RefusedAddressException"/> when every address is refused.
    /// </summary>
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var usable = addresses.Where(Allows).ToArray();
        if (usable.Length == 0)
        {
            throw new RefusedAddressException(host, addresses.FirstOrDefault());
        }

        SocketException? last = null;
        foreach (var address in usable)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}

/// <summary>A host whose addresses are all inside the network and not allowed for the connector.</summary>
public sealed class RefusedAddressException(string host, IPAddress? address)
    : Exception($"refused address: {host} resolves to {address?.ToString() ?? "no address"}, which is inside the network")
{
    public string Host { get; } = host;

    public IPAddress? Address { get; } = address;
}
