using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Tokens;

/// <summary>Validates <see cref="HsmOptions"/> at start-up; every message names its configuration key.</summary>
public sealed class HsmOptionsValidator : IValidateOptions<HsmOptions>
{
    public ValidateOptionsResult Validate(string? name, HsmOptions options)
    {
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>All problems of <paramref name="options"/>; nothing is checked when no module is configured (software path).</summary>
    public static List<string> Check(HsmOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Library)) return failures;
        if (!File.Exists(options.Library))
            failures.Add($"Hsm:Library: the PKCS#11 module '{options.Library}' does not exist (empty Hsm:Library selects the software encryptor).");
        if (string.IsNullOrWhiteSpace(options.TokenLabel))
            failures.Add("Hsm:TokenLabel is required with Hsm:Library: the label of the token to use.");
        if (string.IsNullOrWhiteSpace(options.PinFile))
            failures.Add("Hsm:PinFile is required with Hsm:Library: a file (or systemd credential) holding the user PIN.");
        if (options.MaxSessions < 1 || options.MaxSessions > HsmOptions.MaxMaxSessions)
            failures.Add($"Hsm:MaxSessions is {options.MaxSessions}: use 1 to {HsmOptions.MaxMaxSessions}.");
        if (options.ReinitializeAfterOperations < 0)
            failures.Add($"Hsm:ReinitializeAfterOperations is {options.ReinitializeAfterOperations}: use 0 (never) or a number of operations such as 50000.");
        if (options.SessionWaitTimeout <= TimeSpan.Zero)
            failures.Add($"Hsm:SessionWaitTimeout is {options.SessionWaitTimeout}: use a positive duration such as 00:00:30.");
        return failures;
    }
}
