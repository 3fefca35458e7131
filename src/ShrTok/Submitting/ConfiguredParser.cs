using Microsoft.Extensions.Configuration;
using SharedSecretWorker.Contracts.Requests;

namespace ShrTok.Submitting;

/// <summary>The request parser as the worker configured here would build it.</summary>
internal static class ConfiguredParser
{
    /// <summary>
    /// The parser the worker uses, knowing the channels configured here: like the worker, a channel
    /// whose CertificateFile is empty is switched off (Delivery:Channels:NAME:CertificateFile).
    /// </summary>
    public static RequestParser For(IConfiguration configuration) =>
        new(configuration.GetSection("Delivery").GetSection("Channels").GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c["CertificateFile"]))
            .Select(c => c.Key));
}
