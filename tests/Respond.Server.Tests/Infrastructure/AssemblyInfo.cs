// The server's tests drive Linux processes (PostgreSQL, runuser, kill -9), so they run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
