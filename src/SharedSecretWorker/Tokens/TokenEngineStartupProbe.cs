using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SharedSecretWorker.Tokens;

/// <summary>
/// Probes the encryptor when the host starts, so that a wrong PIN, a missing key or an HSM
/// without OAEP-SHA-256 stops the daemon at start-up instead of failing every request.
/// </summary>
internal sealed class TokenEngineStartupProbe(ITokenEncryptor encryptor, ILogger<TokenEngineStartupProbe> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await encryptor.ProbeAsync(cancellationToken).ConfigureAwait(false);
        HsmLog.Ready(logger, encryptor.Description);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
