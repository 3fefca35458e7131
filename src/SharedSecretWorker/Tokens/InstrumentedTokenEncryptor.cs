using System.Diagnostics;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Tokens;

/// <summary>
/// Decorates the token engine (HSM seam) with an <c>hsm &lt;operation&gt;</c> span and the HSM
/// duration and error metrics, so that the engine itself stays free of telemetry. Nothing of the
/// passphrase, the token or the PIN is recorded: only the operation, its duration and an error type.
/// </summary>
internal sealed class InstrumentedTokenEncryptor(ITokenEncryptor inner) : ITokenEncryptor
{
    internal const string Encrypt = "encrypt";
    internal const string Random = "random";
    internal const string Probe = "probe";

    /// <summary>Every operation value.</summary>
    internal static readonly string[] Operations = [Encrypt, Random, Probe];

    public string Description => inner.Description;

    public string? WrappedTo => inner.WrappedTo;

    public async ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        using var activity = WorkerTracing.StartDependency(TelemetryNames.HsmSpanPrefix, TelemetryNames.Hsm, Probe);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await inner.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Record(Probe, started, activity, ex);
            throw;
        }
        Record(Probe, started, activity, null);
    }

    public async ValueTask<string> EncryptAsync(ReadOnlyMemory<byte> passphrase, CancellationToken cancellationToken)
    {
        using var activity = WorkerTracing.StartDependency(TelemetryNames.HsmSpanPrefix, TelemetryNames.Hsm, Encrypt);
        var started = Stopwatch.GetTimestamp();
        string token;
        try
        {
            token = await inner.EncryptAsync(passphrase, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Record(Encrypt, started, activity, ex);
            throw;
        }
        Record(Encrypt, started, activity, null);
        return token;
    }

    public async ValueTask FillRandomAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        using var activity = WorkerTracing.StartDependency(TelemetryNames.HsmSpanPrefix, TelemetryNames.Hsm, Random);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await inner.FillRandomAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Record(Random, started, activity, ex);
            throw;
        }
        Record(Random, started, activity, null);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static void Record(string operation, long started, Activity? activity, Exception? failure)
    {
        var errorType = failure is null ? null : HsmErrorTypes.Of(failure);
        WorkerMetrics.HsmOperation(operation, Stopwatch.GetElapsedTime(started).TotalSeconds, errorType);
        if (errorType is not null) WorkerTracing.Failed(activity, errorType);
    }
}
