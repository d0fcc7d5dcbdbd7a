namespace Respond.Server.Hosting;

public static class DefaultUrl
{
    public const string Value = "http://127.0.0.1:5080";

    /// <summary>The contract's default address, unless --urls, ASPNETCORE_URLS or Kestrel config says otherwise.</summary>
    public static void UseDefaultRespondUrl(this IWebHostBuilder webHost)
    {
        var configured = webHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        if (string.IsNullOrWhiteSpace(configured))
        {
            webHost.UseSetting(WebHostDefaults.ServerUrlsKey, Value);
        }
    }
}
