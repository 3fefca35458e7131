using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Hosting;

/// <summary>
/// Fails start-up with a clear message when the HSM token, the issuance protection key or the
/// directory bind is wrong, before a single message is taken (registered before the consumer;
/// hosted services start in registration order).
/// </summary>
internal sealed class StartupCheck(ITokenEncryptor encryptor, IDirectoryStore directory, ILogger<StartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation(LogEvents.Starting, "Checking the token engine: {Encryptor}.", encryptor.Description);
        await encryptor.ProbeAsync(cancellationToken).ConfigureAwait(false);
        await directory.CheckAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.Starting, "Token engine and directory ready.");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
