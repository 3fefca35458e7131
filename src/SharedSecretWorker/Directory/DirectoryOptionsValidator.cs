using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Common;
using SharedSecretWorker.Directory.Ldap;

namespace SharedSecretWorker.Directory;

/// <summary>Start-up validation of <see cref="DirectoryOptions"/>; every error names its key.</summary>
internal sealed partial class DirectoryOptionsValidator : IValidateOptions<DirectoryOptions>
{
    private const int MaxPoolSize = 256;
    private const int MaxRetries = 100;
    private static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, DirectoryOptions options)
    {
        var errors = new List<string>();
        const string s = DirectoryOptions.SectionName;

        if (!LdapEndpoint.TryParse(options.Url, out var endpoint, out var urlError))
            errors.Add($"{s}:Url {urlError}");
        else if (endpoint.Ldaps && options.StartTls)
            errors.Add($"{s}:StartTls is true but {s}:Url is ldaps://, which is TLS already; use ldap:// with StartTls, or turn StartTls off.");

        if (!string.IsNullOrEmpty(options.CaFile) && !File.Exists(options.CaFile))
            errors.Add($"{s}:CaFile: the file '{options.CaFile}' does not exist.");
        // A CaFile with plain ldap:// is harmless (it is used as soon as Url turns ldaps:// or
        // StartTls is set), so the local stack can ship one configuration for every mode.

        if (string.IsNullOrWhiteSpace(options.BindDn))
            errors.Add($"{s}:BindDn is empty: the worker binds with a DN and password (simple bind) to write tokens.");
        if (string.IsNullOrWhiteSpace(options.BindPasswordFile))
        {
            errors.Add($"{s}:BindPasswordFile is empty: name the file that holds the bind password.");
        }
        else
        {
            try
            {
                CryptographicOperations.ZeroMemory(SecretFile.ReadBytes(options.BindPasswordFile, $"{s}:BindPasswordFile"));
            }
            catch (InvalidOperationException e)
            {
                errors.Add(e.Message);
            }
        }

        CheckDn(errors, $"{s}:PeopleBase", options.PeopleBase);
        CheckDn(errors, $"{s}:CertificateRepositoryBase", options.CertificateRepositoryBase);

        if (!Enum.IsDefined(options.RevocationTokenAttribute))
            errors.Add($"{s}:RevocationTokenAttribute must be MetaInfo (what the CA reads) or ShrTok (the documentation's variant).");
        if (string.IsNullOrEmpty(options.EnrollmentTokenAttribute) || !AttributeName().IsMatch(options.EnrollmentTokenAttribute))
            errors.Add($"{s}:EnrollmentTokenAttribute '{options.EnrollmentTokenAttribute}' is not an LDAP attribute name (a letter, then letters, digits or '-').");

        if (options.MaxConnections is < 1 or > MaxPoolSize)
            errors.Add($"{s}:MaxConnections is {options.MaxConnections}; it must be between 1 and {MaxPoolSize}.");
        if (options.MaxConcurrencyRetries is < 0 or > MaxRetries)
            errors.Add($"{s}:MaxConcurrencyRetries is {options.MaxConcurrencyRetries}; it must be between 0 and {MaxRetries}.");
        CheckTimeout(errors, $"{s}:OperationTimeout", options.OperationTimeout);
        CheckTimeout(errors, $"{s}:ConnectTimeout", options.ConnectTimeout);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckDn(List<string> errors, string key, string? dn)
    {
        if (string.IsNullOrWhiteSpace(dn))
            errors.Add($"{key} is empty: give the DN of the entry, e.g. ou=people,dc=example,dc=com.");
        else if (!dn.Contains('=', StringComparison.Ordinal))
            errors.Add($"{key} '{dn}' is not a DN (expected attribute=value pairs such as ou=people,dc=example,dc=com).");
    }

    private static void CheckTimeout(List<string> errors, string key, TimeSpan value)
    {
        // S.DS.P hands libldap whole seconds; below one second a timeout would be zero ("poll").
        if (value < MinTimeout || value > MaxTimeout)
            errors.Add($"{key} is {value}; it must be between {MinTimeout} and {MaxTimeout}.");
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]*$")]
    private static partial Regex AttributeName();
}
