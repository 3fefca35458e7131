using Microsoft.Extensions.Options;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Lifecycle;

/// <summary>Start-up validation of <see cref="LifecycleOptions"/>; every error names its key. Only the census interval is checked when the watcher is off.</summary>
internal sealed class LifecycleOptionsValidator : IValidateOptions<LifecycleOptions>
{
    private static readonly TimeSpan MaxFirstCatchUp = TimeSpan.FromDays(366);
    private static readonly TimeSpan MaxClockMargin = TimeSpan.FromDays(2);
    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxCheckpointInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinCensusInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxCensusInterval = TimeSpan.FromDays(1);
    private static readonly TimeSpan MaxExpirySweepInterval = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, LifecycleOptions options)
    {
        var errors = new List<string>();
        const string s = LifecycleOptions.SectionName;
        // Each count reads every token: more often than every few seconds would load the directory for a dashboard.
        if (options.CensusInterval != TimeSpan.Zero)
            Check(errors, $"{s}:CensusInterval", options.CensusInterval, MinCensusInterval, MaxCensusInterval);
        if (!options.Enabled) return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        if (string.IsNullOrWhiteSpace(options.CertificateBase))
            errors.Add($"{s}:CertificateBase is empty, and so is {DirectoryOptions.SectionName}:CertificateRepositoryBase: name where the CA's certificate records are, or set {s}:Enabled to false.");
        else if (!options.CertificateBase.Contains('=', StringComparison.Ordinal))
            errors.Add($"{s}:CertificateBase '{options.CertificateBase}' is not a DN (expected attribute=value pairs such as ou=certificateRepository,ou=ca,dc=example,dc=com).");

        if (!string.IsNullOrWhiteSpace(options.CheckpointEntry) && !options.CheckpointEntry.Contains('=', StringComparison.Ordinal))
            errors.Add($"{s}:CheckpointEntry '{options.CheckpointEntry}' is not a DN (e.g. cn=shrtok-lifecycle,ou=services,dc=example,dc=com); leave it empty to keep the checkpoint in memory.");

        Check(errors, $"{s}:FirstCatchUp", options.FirstCatchUp, TimeSpan.Zero, MaxFirstCatchUp);
        Check(errors, $"{s}:ClockMargin", options.ClockMargin, TimeSpan.Zero, MaxClockMargin);
        Check(errors, $"{s}:CheckpointInterval", options.CheckpointInterval, MinInterval, MaxCheckpointInterval);
        Check(errors, $"{s}:ReconnectDelay", options.ReconnectDelay, MinInterval, MaxReconnectDelay);
        Check(errors, $"{s}:ExpirySweepInterval", options.ExpirySweepInterval, MinInterval, MaxExpirySweepInterval);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
            errors.Add($"{key} is {value}; it must be between {min} and {max}.");
    }
}
