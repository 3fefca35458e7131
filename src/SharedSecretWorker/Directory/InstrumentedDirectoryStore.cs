using System.Diagnostics;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Telemetry;

namespace SharedSecretWorker.Directory;

/// <summary>
/// Decorates the directory seam with a <c>directory &lt;operation&gt;</c> span and the directory
/// duration and error metrics. Each store operation is one entry lookup (LDAP search) followed by
/// one modify (<see cref="TelemetryNames.LdapOperationsTag"/> says which); the token written is
/// never recorded.
/// </summary>
internal sealed class InstrumentedDirectoryStore(IDirectoryStore inner) : IDirectoryStore
{
    internal const string StoreEnrollment = "store-enrollment-token";
    internal const string StoreRevocation = "store-revocation-token";
    internal const string ClearEnrollment = "clear-enrollment-token";
    internal const string ClearRevocation = "clear-revocation-token";
    internal const string RestoreEnrollment = "restore-enrollment-token";
    internal const string RestoreRevocation = "restore-revocation-token";
    internal const string ReadEnrollment = "read-enrollment-token";
    internal const string ReadRevocation = "read-revocation-token";
    internal const string Check = "check";
    internal const string CheckWriteAccess = "check-write-access";

    /// <summary>Every operation value.</summary>
    internal static readonly string[] Operations = [StoreEnrollment, StoreRevocation, ClearEnrollment, ClearRevocation, RestoreEnrollment, RestoreRevocation,
        ReadEnrollment, ReadRevocation, Check, CheckWriteAccess];

    private const string SearchModify = "search,modify";
    private const string Search = "search";
    private const string Modify = "modify";

    public Task<DirectoryWrite> StoreEnrollmentTokenAsync(string uid, string token, TokenMetadata metadata, CancellationToken cancellationToken = default) =>
        RunAsync(StoreEnrollment, SearchModify, () => inner.StoreEnrollmentTokenAsync(uid, token, metadata, cancellationToken));

    public Task<DirectoryWrite> StoreRevocationTokenAsync(CertificateSerial serial, string token, TokenMetadata metadata, CancellationToken cancellationToken = default) =>
        RunAsync(StoreRevocation, SearchModify, () => inner.StoreRevocationTokenAsync(serial, token, metadata, cancellationToken));

    public Task<DirectoryWrite> ClearEnrollmentTokenAsync(string uid, CancellationToken cancellationToken = default) =>
        RunAsync(ClearEnrollment, SearchModify, () => inner.ClearEnrollmentTokenAsync(uid, cancellationToken));

    public Task<DirectoryWrite> ClearRevocationTokenAsync(CertificateSerial serial, CancellationToken cancellationToken = default) =>
        RunAsync(ClearRevocation, SearchModify, () => inner.ClearRevocationTokenAsync(serial, cancellationToken));

    public Task<DirectoryRead> ReadEnrollmentTokenAsync(string uid, CancellationToken cancellationToken = default) =>
        RunAsync(ReadEnrollment, Search, () => inner.ReadEnrollmentTokenAsync(uid, cancellationToken));

    public Task<DirectoryRead> ReadRevocationTokenAsync(CertificateSerial serial, CancellationToken cancellationToken = default) =>
        RunAsync(ReadRevocation, Search, () => inner.ReadRevocationTokenAsync(serial, cancellationToken));

    public Task<DirectoryWrite> RestoreEnrollmentTokenAsync(DirectoryWrite written, string token, CancellationToken cancellationToken = default) =>
        RunAsync(RestoreEnrollment, Modify, () => inner.RestoreEnrollmentTokenAsync(written, token, cancellationToken));

    public Task<DirectoryWrite> RestoreRevocationTokenAsync(DirectoryWrite written, string token, CancellationToken cancellationToken = default) =>
        RunAsync(RestoreRevocation, Modify, () => inner.RestoreRevocationTokenAsync(written, token, cancellationToken));

    public int AbandonedCalls => inner.AbandonedCalls;

    public int AbandonedLimit => inner.AbandonedLimit;

    public async Task CheckAsync(CancellationToken cancellationToken = default) =>
        await RunAsync(Check, Search, async () =>
        {
            await inner.CheckAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    public async Task CheckWriteAccessAsync(string dn, string attribute, CancellationToken cancellationToken = default) =>
        await RunAsync(CheckWriteAccess, Modify, async () =>
        {
            await inner.CheckWriteAccessAsync(dn, attribute, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    private static async Task<T> RunAsync<T>(string operation, string ldapOperations, Func<Task<T>> call)
    {
        using var activity = WorkerTracing.StartDependency(TelemetryNames.DirectorySpanPrefix, TelemetryNames.Directory, operation);
        activity?.SetTag(TelemetryNames.LdapOperationsTag, ldapOperations);
        var started = Stopwatch.GetTimestamp();
        T result;
        try
        {
            result = await call().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var errorType = DirectoryErrorTypes.Of(ex);
            WorkerMetrics.DirectoryOperation(operation, Stopwatch.GetElapsedTime(started).TotalSeconds, errorType);
            WorkerTracing.Failed(activity, errorType);
            throw;
        }
        WorkerMetrics.DirectoryOperation(operation, Stopwatch.GetElapsedTime(started).TotalSeconds, null);
        return result;
    }
}
