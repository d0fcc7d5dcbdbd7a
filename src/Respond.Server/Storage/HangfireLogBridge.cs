using Hangfire.Logging;

namespace Respond.Server.Storage;

/// <summary>
/// Hangfire logs through one process-wide provider, set by the last host that started. When several hosts share a process (the
/// tests run many), that host may be stopped while the others run; its logger factory is then disposed, and Hangfire's own
/// adapter throws on every use, which stops the recurring-job scheduler. This one drops the log line instead.
/// </summary>
internal sealed class HangfireLogBridge(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name)
    {
        try
        {
            return new Forwarder(factory.CreateLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return new Forwarder(null);
        }
    }

    private sealed class Forwarder(ILogger? logger) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                Hangfire.Logging.LogLevel.Trace => Microsoft.Extensions.Logging.LogLevel.Trace,
                Hangfire.Logging.LogLevel.Debug => Microsoft.Extensions.Logging.LogLevel.Debug,
                Hangfire.Logging.LogLevel.Info => Microsoft.Extensions.Logging.LogLevel.Information,
                Hangfire.Logging.LogLevel.Warn => Microsoft.Extensions.Logging.LogLevel.Warning,
                Hangfire.Logging.LogLevel.Error => Microsoft.Extensions.Logging.LogLevel.Error,
                _ => Microsoft.Extensions.Logging.LogLevel.Critical,
            };
            try
            {
                if (logger is null || !logger.IsEnabled(level))
                {
                    return false;
                }

                if (messageFunc is not null)
                {
                    logger.Log(level, 0, exception, "{Message}", messageFunc());
                }

                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
