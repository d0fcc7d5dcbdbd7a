using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Respond.Server.Storage.Embedded;

/// <summary>The cluster's port: remembered across starts, a free one chosen when it is taken.</summary>
public sealed partial class EmbeddedPostgres
{
    private static int ChoosePort(Layout layout, ILogger logger)
    {
        var remembered = ReadPort(layout);
        if (remembered is { } port && IsPortFree(port))
        {
            return port;
        }

        var chosen = FreePort();
        RememberPort(layout, chosen);
        if (remembered is { } taken)
        {
            logger.LogInformation("Port {OldPort} is taken by another process; the private PostgreSQL now uses 127.0.0.1:{Port}", taken, chosen);
        }

        return chosen;
    }

    private static int? ReadPort(Layout layout)
    {
        try
        {
            return File.Exists(layout.PortFile)
                && int.TryParse(File.ReadAllText(layout.PortFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                && port is > 0 and < 65536
                ? port
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void RememberPort(Layout layout, int port)
    {
        if (ReadPort(layout) != port)
        {
            File.WriteAllText(layout.PortFile, port.ToString(CultureInfo.InvariantCulture) + "\n");
        }
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
