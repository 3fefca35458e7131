using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Tokens;

/// <summary>Validates <see cref="TokenOptions"/> at start-up; every message names its configuration key.</summary>
public sealed class TokenOptionsValidator(IOptions<HsmOptions> hsm) : IValidateOptions<TokenOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenOptions options)
    {
        var failures = Check(options, hsm.Value);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>All problems of <paramref name="options"/>, given the HSM configuration.</summary>
    public static List<string> Check(TokenOptions options, HsmOptions hsm)
    {
        var failures = new List<string>();
        if (options.KeyWrap is null)
        {
            failures.Add("Token:KeyWrap is required: set it to Pkcs1 or Oaep, the same as the CA's keyWrap.useOAEP (false: Pkcs1, true: Oaep). The CA has no fallback.");
        }
        else if (!Enum.IsDefined(options.KeyWrap.Value))
        {
            failures.Add($"Token:KeyWrap has the unknown value {(int)options.KeyWrap.Value}: use Pkcs1 or Oaep.");
        }
        var needsFile = string.IsNullOrWhiteSpace(hsm.Library) || string.IsNullOrWhiteSpace(hsm.IssuanceProtectionKeyLabel);
        if (string.IsNullOrWhiteSpace(options.IssuanceProtectionCertificateFile))
        {
            if (needsFile)
            {
                failures.Add("Token:IssuanceProtectionCertificateFile is required: the PEM file of the CA's issuance protection certificate"
                    + " (or, with an HSM, set Hsm:IssuanceProtectionKeyLabel to the label of that key on the token).");
            }
        }
        else if (!File.Exists(options.IssuanceProtectionCertificateFile))
        {
            failures.Add($"Token:IssuanceProtectionCertificateFile: the file '{options.IssuanceProtectionCertificateFile}' does not exist.");
        }
        if (options.PassphraseLength < PassphrasePolicy.MinimumLength || options.PassphraseLength > TokenOptions.MaxPassphraseLength)
        {
            failures.Add($"Token:PassphraseLength is {options.PassphraseLength}: use {PassphrasePolicy.MinimumLength} to {TokenOptions.MaxPassphraseLength}"
                + $" ({PassphrasePolicy.MinimumLength} characters of a {PassphrasePolicy.Alphabet.Length}-symbol alphabet give the required {PassphrasePolicy.MinimumEntropyBits} bits).");
        }
        if (options.PassphraseGroupSize < 0 || options.PassphraseGroupSize > TokenOptions.MaxPassphraseLength)
        {
            failures.Add($"Token:PassphraseGroupSize is {options.PassphraseGroupSize}: use 0 (no grouping) or a positive group size.");
        }
        CheckLifetimes(options, failures);
        return failures;
    }

    private static void CheckLifetimes(TokenOptions options, List<string> failures)
    {
        CheckLifetime("Token:Lifetime", options.Lifetime, "0 (never expires)", failures);
        CheckLifetime("Token:MaxLifetime", options.MaxLifetime, "0 (no maximum)", failures);
        if (options.MaxLifetime == TimeSpan.Zero) return;
        if (options.Lifetime == TimeSpan.Zero)
        {
            // "Never" is longer than any maximum: tokens of requests that ask nothing would outlive
            // what no request may ask for.
            failures.Add($"Token:Lifetime is 0 (never expires) but Token:MaxLifetime is {options.MaxLifetime}: give Token:Lifetime a value up to it, or set Token:MaxLifetime to 0 too.");
        }
        else if (options.Lifetime > options.MaxLifetime)
        {
            failures.Add($"Token:Lifetime ({options.Lifetime}) is longer than Token:MaxLifetime ({options.MaxLifetime}): the default may not exceed what a request may ask for.");
        }
    }

    private static void CheckLifetime(string key, TimeSpan value, string zero, List<string> failures)
    {
        if (value == TimeSpan.Zero) return;
        if (value < TimeSpan.FromSeconds(1) || value > TokenOptions.MaxConfigurableLifetime || value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            failures.Add($"{key} is {value}: use whole seconds from 00:00:01 to {TokenOptions.MaxConfigurableLifetime.Days}.00:00:00, or {zero}.");
        }
    }
}
