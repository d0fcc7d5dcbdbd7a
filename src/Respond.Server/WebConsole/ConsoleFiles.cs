using Microsoft.Extensions.FileProviders;

namespace Respond.Server.WebConsole;

/// <summary>
/// Where the built console is: the content root's <c>wwwroot</c> (<c>dotnet run</c>, the in-memory test host), else the copy
/// beside the assembly (a server started from its build output, or published). The build puts it in both.
/// </summary>
public sealed class ConsoleFiles
{
    public ConsoleFiles(IWebHostEnvironment environment)
    {
        string[] candidates = [Path.Combine(environment.ContentRootPath, "wwwroot"), Path.Combine(AppContext.BaseDirectory, "wwwroot")];
        Root = candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "index.html"))) ?? candidates[0];
        Provider = Directory.Exists(Root) ? new PhysicalFileProvider(Root) : new NullFileProvider();
    }

    public string Root { get; }

    public IFileProvider Provider { get; }

    public string IndexPath => Path.Combine(Root, "index.html");
}
