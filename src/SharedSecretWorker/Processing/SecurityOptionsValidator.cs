using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Processing;

/// <summary>
/// Start-up checks of <see cref="SecurityOptions"/>: every listed kind is a request kind and every
/// listed user has a name; every kind has a list unless <c>Security:AllowAnyProducer</c> is true.
/// </summary>
internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        foreach (var (kind, users) in options.Producers)
        {
            if (!RequestKindNames.TryParse(kind, out _))
            {
                failures.Add($"Security:Producers:{kind} is not a request kind (enrollment, revocation, clear).");
                continue;
            }
            for (var i = 0; i < users.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(users[i]))
                    failures.Add($"Security:Producers:{kind}:{i} is empty: name a RabbitMQ user.");
            }
        }
        if (!options.AllowAnyProducer)
        {
            foreach (var kind in Enum.GetValues<RequestKind>())
            {
                var wire = kind.ToWireName();
                if (!options.Producers.TryGetValue(wire, out var users) || users.Length == 0)
                {
                    failures.Add($"Security:Producers:{wire} lists no producer, so any broker user allowed to publish requests could send {wire} requests: " +
                        $"list the RabbitMQ users that may (Security:Producers:{wire}:0=USER), or set Security:AllowAnyProducer=true to accept any of them on purpose.");
                }
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
