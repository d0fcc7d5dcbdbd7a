using System.Security.Cryptography;
using System.Text;

namespace Respond.Domain.Common;

/// <summary>
/// Name-based UUIDs (RFC 9562 version 5). The same name always gives the same id, which is how a
/// redelivered alert or a concurrent duplicate lands on the same row instead of a second one.
/// </summary>
public static class DeterministicGuid
{
    public static readonly Guid AlertNamespace = new("5d7c2f4e-0b61-4b8e-9a3c-6f1e2d4b7a90");
    public static readonly Guid IncidentNamespace = new("a3f0c1d2-7e54-4c1b-8f2a-1b9d6e3c5f47");

    public static Guid Create(Guid namespaceId, string name)
    {
        Span<byte> ns = stackalloc byte[16];
        namespaceId.TryWriteBytes(ns, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[16 + nameBytes.Length];
        ns.CopyTo(buffer);
        nameBytes.CopyTo(buffer, 16);

        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 prescribes for v5 ids; it is not used for security here.
        SHA1.HashData(buffer, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
