using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Tokens;

/// <summary>Bounded error types of token engine calls for metrics and spans: never an exception's message.</summary>
internal static class HsmErrorTypes
{
    /// <summary>Error type of a failed token engine call.</summary>
    public static string Of(Exception exception) => exception switch
    {
        OperationCanceledException => DependencyErrors.Cancelled,
        HsmUnavailableException => DependencyErrors.HsmUnavailable,
        TokenEngineException => "hsm-error",
        _ => exception.GetType().Name,
    };
}
