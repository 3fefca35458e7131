using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Hosting;

/// <summary>
/// Fails start-up with a clear message when the directory bind or its bases are wrong, before a
/// single message is taken (registered before the consumer; hosted services start in registration
/// order). The token engine checks itself the same way (Tokens/TokenEngineStartupProbe).
/// </summary>
internal sealed class StartupCheck(IDirectoryStore directory, ILogger<StartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await directory.CheckAsync(cancellationToken).ConfigureAwait(false);
        HostingLog.DirectoryReady(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
