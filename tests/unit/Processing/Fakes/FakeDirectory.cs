using System.Collections.Concurrent;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>
/// The directory seam in memory: records "directory.store-enrollment uid=jdoe",
/// "directory.store-revocation serial=6699", "directory.clear-enrollment uid=jdoe",
/// "directory.clear-revocation serial=6699" (before anything else, even when the call then fails),
/// keeps the tokens written, fails on demand and can hold a call at a <see cref="Gate"/>.
/// </summary>
internal sealed class FakeDirectory(EventLog events) : IDirectoryStore
{
    public const string PeopleBase = "ou=people,dc=example,dc=com";
    public const string CertificateBase = "ou=certificateRepository,ou=ca,dc=example,dc=com";

    private readonly ConcurrentQueue<Exception> _failures = new();
    private readonly ConcurrentDictionary<string, Gate> _holds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private int _calls;
    private int _checks;
    private int _writeAccessChecks;

    /// <summary>Tokens now stored, by "uid=..." or "serial=..." (decimal).</summary>
    public IReadOnlyDictionary<string, string> Tokens => _tokens;

    /// <summary>Every write or clear call, failed ones included.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public static string UserDn(string uid) => $"uid={uid},{PeopleBase}";

    public static string SerialDn(string serialDecimal) => $"cn={serialDecimal},{CertificateBase}";

    /// <summary>The next write or clear fails with <paramref name="failure"/> (one per call, in order).</summary>
    public void FailNext(Exception failure) => _failures.Enqueue(failure);

    /// <summary>Holds the next call for <paramref name="target"/> ("uid=jdoe", "serial=6699") until the gate opens.</summary>
    public Gate Hold(string target)
    {
        var gate = new Gate();
        Assert.True(_holds.TryAdd(target, gate), $"{target} is already held");
        return gate;
    }

    /// <summary>The metadata of every store, in order.</summary>
    public ConcurrentQueue<TokenMetadata> Metadata { get; } = new();

    public Task<DirectoryWrite> StoreEnrollmentTokenAsync(string uid, string token, TokenMetadata metadata, CancellationToken cancellationToken = default)
    {
        Metadata.Enqueue(metadata);
        return WriteAsync("store-enrollment", $"uid={uid}", UserDn(uid), token, cancellationToken, metadata.Format());
    }

    public Task<DirectoryWrite> StoreRevocationTokenAsync(CertificateSerial serial, string token, TokenMetadata metadata, CancellationToken cancellationToken = default)
    {
        Metadata.Enqueue(metadata);
        return WriteAsync("store-revocation", $"serial={serial.Decimal}", SerialDn(serial.Decimal), token, cancellationToken, metadata.Format());
    }

    public Task<DirectoryWrite> ClearEnrollmentTokenAsync(string uid, CancellationToken cancellationToken = default) =>
        WriteAsync("clear-enrollment", $"uid={uid}", UserDn(uid), null, cancellationToken);

    public Task<DirectoryWrite> ClearRevocationTokenAsync(CertificateSerial serial, CancellationToken cancellationToken = default) =>
        WriteAsync("clear-revocation", $"serial={serial.Decimal}", SerialDn(serial.Decimal), null, cancellationToken);

    public Task<DirectoryRead> ReadEnrollmentTokenAsync(string uid, CancellationToken cancellationToken = default) =>
        Task.FromResult(new DirectoryRead(UserDn(uid), _tokens.GetValueOrDefault($"uid={uid}"), _tokens.ContainsKey($"uid={uid}") ? 1 : 0));

    public Task<DirectoryRead> ReadRevocationTokenAsync(CertificateSerial serial, CancellationToken cancellationToken = default) =>
        Task.FromResult(new DirectoryRead(SerialDn(serial.Decimal), _tokens.GetValueOrDefault($"serial={serial.Decimal}"), _tokens.ContainsKey($"serial={serial.Decimal}") ? 1 : 0));

    /// <summary>How often the directory was checked (health checks, breaker probes).</summary>
    public int Checks => Volatile.Read(ref _checks);

    public Task CheckAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _checks);
        return Task.CompletedTask;
    }

    /// <summary>Write access the breaker's probe finds: denied (InsufficientAccess) while true.</summary>
    public bool WriteAccessDenied { get; set; }

    /// <summary>Write-access checks made so far (the breaker's probe after InsufficientAccess).</summary>
    public int WriteAccessChecks => Volatile.Read(ref _writeAccessChecks);

    public Task CheckWriteAccessAsync(string dn, string attribute, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writeAccessChecks);
        return WriteAccessDenied
            ? Task.FromException(new DirectoryException(DirectoryFailure.InsufficientAccess, $"still no write access to {attribute} on {dn} (test).", dn) { Attribute = attribute })
            : Task.CompletedTask;
    }

    private async Task<DirectoryWrite> WriteAsync(string operation, string target, string dn, string? token, CancellationToken cancellationToken, string? info = null)
    {
        events.Add($"directory.{operation} {target}");
        Interlocked.Increment(ref _calls);
        if (_holds.TryRemove(target, out var gate)) await gate.PassAsync(cancellationToken);
        if (_failures.TryDequeue(out var failure)) throw failure;
        if (token is null)
        {
            var changed = _tokens.TryRemove(target, out _);
            return new DirectoryWrite(dn, changed, 1);
        }
        var replaced = _tokens.GetValueOrDefault(target);
        _tokens[target] = token;
        return new DirectoryWrite(dn, true, 1) { Replaced = replaced, Info = info };
    }

    public Task<DirectoryWrite> RestoreEnrollmentTokenAsync(DirectoryWrite written, string token, CancellationToken cancellationToken = default) =>
        RestoreAsync("restore-enrollment", written, token);

    public Task<DirectoryWrite> RestoreRevocationTokenAsync(DirectoryWrite written, string token, CancellationToken cancellationToken = default) =>
        RestoreAsync("restore-revocation", written, token);

    /// <summary>As the directory does it: only while the entry still holds <paramref name="token"/>.</summary>
    private Task<DirectoryWrite> RestoreAsync(string operation, DirectoryWrite written, string token)
    {
        var rdn = written.Dn.Split(',')[0];
        var target = rdn.StartsWith("cn=", StringComparison.Ordinal) ? "serial=" + rdn[3..] : rdn;
        events.Add($"directory.{operation} {target}");
        if (_tokens.GetValueOrDefault(target) != token) return Task.FromResult(new DirectoryWrite(written.Dn, false, 1));
        if (written.Replaced is { } previous) _tokens[target] = previous;
        else _tokens.TryRemove(target, out _);
        return Task.FromResult(new DirectoryWrite(written.Dn, true, 1));
    }
}
