using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Processing;

/// <summary>Start-up checks of <see cref="WorkerOptions"/> and <see cref="RetryOptions"/> beyond their attributes.</summary>
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>, IValidateOptions<RetryOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        if (options.ShutdownGrace <= TimeSpan.Zero)
            return ValidateOptionsResult.Fail("Worker:ShutdownGrace must be positive.");
        if (options.Prefetch is > 0 && options.Prefetch <= options.MaxConcurrency)
            return ValidateOptionsResult.Fail($"Worker:Prefetch ({options.Prefetch}) must be above Worker:MaxConcurrency ({options.MaxConcurrency}), or 0 for twice the concurrency: otherwise slots sit idle waiting for the broker.");
        return ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, RetryOptions options)
    {
        for (var i = 0; i < options.Delays.Length; i++)
        {
            if (options.Delays[i] < TimeSpan.FromMilliseconds(100) || options.Delays[i] > TimeSpan.FromHours(24))
                return ValidateOptionsResult.Fail($"Retry:Delays:{i} is {options.Delays[i]}; each delay must be between 100 ms and 24 h.");
        }
        return ValidateOptionsResult.Success;
    }
}
