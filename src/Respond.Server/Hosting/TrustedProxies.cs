using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Respond.Server.Hosting;

/// <summary>
/// Behind a TLS-terminating proxy the request's scheme and client address come from
/// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-For</c>, but only when the peer is a proxy listed in
/// <c>Respond:Http:KnownProxies</c> (addresses) or <c>Respond:Http:KnownNetworks</c> (CIDR). Nothing,
/// not even loopback, is trusted by default: anyone else could claim any address and escape the
/// per-address limits.
/// </summary>
public static class TrustedProxies
{
    public static void AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var proxies = builder.Configuration.GetSection("Respond:Http:KnownProxies").Get<string[]>() ?? [];
        var networks = builder.Configuration.GetSection("Respond:Http:KnownNetworks").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"Respond:Http:KnownProxies: '{proxy}' is not an IP address."));
            }

            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"Respond:Http:KnownNetworks: '{network}' is not a CIDR network (10.0.0.0/8)."));
            }
        });
    }

    /// <summary>
    /// The key per-address limits count under: the client's address once a trusted proxy's header has
    /// been applied. An IPv6 client counts by its /64, since one host is usually given a whole /64.
    /// </summary>
    public static string ClientKey(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
