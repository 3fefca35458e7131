using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Broker;

/// <summary>Start-up checks of <see cref="RabbitMqOptions"/>, each error naming its key.</summary>
internal sealed class RabbitMqOptionsValidator : IValidateOptions<RabbitMqOptions>
{
    public ValidateOptionsResult Validate(string? name, RabbitMqOptions options)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(options.Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            errors.Add($"RabbitMq:Uri must be an amqp:// or amqps:// URI (user and vhost in it), not '{BrokerConnection.Redacted(options.Uri)}'.");
        }
        else if (uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            errors.Add("RabbitMq:Uri holds a password: put it in the file named by RabbitMq:PasswordFile (or the environment variable RabbitMq__Password) instead.");
        }
        if (!string.IsNullOrEmpty(options.PasswordFile) && !File.Exists(options.PasswordFile) && Path.IsPathRooted(options.PasswordFile))
            errors.Add($"RabbitMq:PasswordFile names '{options.PasswordFile}', which does not exist.");
        if (!string.IsNullOrEmpty(options.CaFile))
        {
            if (!File.Exists(options.CaFile))
                errors.Add($"RabbitMq:CaFile names '{options.CaFile}', which does not exist.");
            else if (!IsCertificate(options.CaFile, out var problem))
                errors.Add($"RabbitMq:CaFile '{options.CaFile}' is not a PEM or DER certificate: {problem}");
        }
        for (var i = 0; i < options.Endpoints.Count; i++)
        {
            if (!BrokerEndpoints.TryParse(options.Endpoints[i], out _, out _))
                errors.Add($"RabbitMq:Endpoints:{i} must be host:port (a further node of the cluster RabbitMq:Uri names), not '{options.Endpoints[i]}'.");
        }
        if (options.RecoveryInterval <= TimeSpan.Zero)
            errors.Add("RabbitMq:RecoveryInterval must be positive.");
        if (options.ConfirmTimeout <= TimeSpan.Zero)
            errors.Add("RabbitMq:ConfirmTimeout must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsCertificate(string path, out string problem)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(path);
            problem = "";
            return true;
        }
        catch (CryptographicException ex)
        {
            problem = ex.Message;
            return false;
        }
    }
}
