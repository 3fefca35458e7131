using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Hosting;

/// <summary>Turns the exceptions a misconfigured start-up throws into one readable sentence.</summary>
public static class StartupFailure
{
    /// <summary>The reason, or null for an exception that is not a start-up problem (it is rethrown).</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        OptionsValidationException options => string.Join(" ", options.Failures),
        AggregateException aggregate when aggregate.InnerExceptions.Count == 1 => Describe(aggregate.InnerExceptions[0]),
        InvalidOperationException or TokenEngineException or HsmUnavailableException or DirectoryException => exception.Message,
        _ => null,
    };
}
