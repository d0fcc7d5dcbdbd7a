using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace Respond.Server.Auth;

/// <summary>One key of the cookie-protecting key ring, as ASP.NET writes it.</summary>
public sealed class DataProtectionKey
{
    public string Id { get; set; } = "";
    public string Xml { get; set; } = "";
}

/// <summary>
/// The key ring that encrypts session cookies lives in PostgreSQL beside the sessions, not in the process's home
/// folder: every node reads a cookie any node issued, and a restarted container keeps its users signed in.
/// The database already holds everything a key would protect, so the keys are stored as ASP.NET writes them.
/// </summary>
public sealed class SharedKeyRing(IDocumentStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // ASP.NET asks synchronously, once a process and then when its key ring cache expires (a day).
        using var session = store.QuerySession();
        var keys = session.Query<DataProtectionKey>().ToListAsync().GetAwaiter().GetResult();
        return [.. keys.Select(k => XElement.Parse(k.Xml))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var session = store.LightweightSession();
        session.Store(new DataProtectionKey { Id = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        // Only when ASP.NET makes a key (at first use, then about every 90 days).
        session.SaveChangesAsync().GetAwaiter().GetResult();
    }

    public static void Add(IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("Respond");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new SharedKeyRing(sp.GetRequiredService<IDocumentStore>())));
    }
}
