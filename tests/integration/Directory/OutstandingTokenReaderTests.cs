using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Directory.Ldap;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Integration.Telemetry;

namespace SharedSecretWorker.Tests.Integration.Directory;

/// <summary>
/// Listing the tokens in the directory (docs/token-lifecycle.md, "Outstanding tokens") on the real 389 DS,
/// as the worker's bind (so its rights are part of what is tested): enrollment tokens with and without a
/// record beside them, a revocation token in metaInfo with its record, and <c>shrtok tokens</c> itself.
/// </summary>
[Collection(SharedSecretWorker.Tests.Integration.Lifecycle.TokenLifecycleCollection.Name)]
public sealed class OutstandingTokenReaderTests : IDisposable
{

    private readonly DirectoryTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    private void WriteEnrollment(string dn, string token, TokenMetadata? metadata) => TokenRecords.WriteEnrollment(_bed.Admin, dn, token, metadata);

    private static TokenMetadata Record(string token, string requestId, TimeSpan age, TimeSpan? lifetime) => TokenRecords.For(token, requestId, age, lifetime);

    private async Task<List<OutstandingToken>> ReadAllAsync()
    {
        using var reader = new LdapOutstandingTokenReader(Options.Create(_bed.WorkerOptions()), NullLogger<LdapOutstandingTokenReader>.Instance);
        var tokens = new List<OutstandingToken>();
        await foreach (var token in reader.ReadAllAsync(CancellationToken.None)) tokens.Add(token);
        return tokens;
    }

    [Fact]
    public async Task Every_token_is_listed_with_the_record_that_belongs_to_it_and_none_that_does_not()
    {
        var recorded = DirectoryTestBed.NewUid();
        var recordedDn = _bed.CreatePerson(recorded, extensible: true);
        var recordedToken = "AAAA" + Guid.NewGuid().ToString("N");
        var recordedMetadata = Record(recordedToken, "req-" + Guid.NewGuid().ToString("N")[..8], TimeSpan.FromDays(8), TimeSpan.FromDays(7));
        WriteEnrollment(recordedDn, recordedToken, recordedMetadata);

        // A token written by hand after the worker's: the record beside it names another token.
        var stale = DirectoryTestBed.NewUid();
        var staleDn = _bed.CreatePerson(stale, extensible: true);
        WriteEnrollment(staleDn, "BBBB" + Guid.NewGuid().ToString("N"), Record("an older token", "req-old", TimeSpan.FromDays(1), TimeSpan.FromDays(7)));

        var serial = DirectoryTestBed.NewSerial();
        var revocationToken = "CCCC" + Guid.NewGuid().ToString("N");
        var revocationMetadata = Record(revocationToken, "req-rev", TimeSpan.FromMinutes(1), null);
        var recordDn = _bed.CreateRecord(serial, "revShrTok:" + revocationToken, revocationMetadata.FormatMetaInfo());

        var tokens = await ReadAllAsync();

        var first = Assert.Single(tokens, t => t.Uid == recorded);
        Assert.Equal(RequestKind.Enrollment, first.Kind);
        Assert.Equal(recordedDn, first.Dn, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(TokenDigest.Sha256Hex(recordedToken), first.TokenSha256);
        Assert.Equal(recordedMetadata, first.Metadata);
        Assert.True(first.IsOverdueAt(DateTimeOffset.UtcNow));

        var second = Assert.Single(tokens, t => t.Uid == stale);
        Assert.Null(second.Metadata);
        Assert.NotNull(second.EntryModifiedAt);

        var third = Assert.Single(tokens, t => t.Serial == serial.Decimal);
        Assert.Equal(RequestKind.Revocation, third.Kind);
        Assert.Equal(recordDn, third.Dn, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(TokenDigest.Sha256Hex(revocationToken), third.TokenSha256);
        Assert.Equal(revocationMetadata, third.Metadata);
        Assert.False(third.IsOverdueAt(DateTimeOffset.UtcNow.AddYears(1)));

        // No token is listed twice.
        Assert.Equal(tokens.Count, tokens.Select(t => t.Dn.ToUpperInvariant()).Distinct().Count());
    }

    [Fact]
    public async Task Shrtok_tokens_lists_them_as_an_operator_sees_them_and_filters_by_expiry_and_age()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid, extensible: true);
        var token = "DDDD" + Guid.NewGuid().ToString("N");
        var metadata = Record(token, "req-" + Guid.NewGuid().ToString("N")[..8], TimeSpan.FromHours(2), TimeSpan.FromMinutes(150));
        WriteEnrollment(dn, token, metadata);
        var environment = new Dictionary<string, string>(_bed.Stack.WorkerEnvironment());

        var json = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "tokens", "--json", "--expiring-within", "1h"], environment: environment);
        Assert.True(json.ExitCode == 0, json.Error);
        var line = Assert.Single(json.OutText.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains(uid, StringComparison.Ordinal));
        using (var document = JsonDocument.Parse(line))
        {
            var root = document.RootElement;
            Assert.Equal(metadata.RequestId, root.GetProperty("requestId").GetString());
            Assert.Equal(TokenDigest.Sha256Hex(token), root.GetProperty("tokenSha256").GetString());
            Assert.Equal("recorded", root.GetProperty("issuedAtSource").GetString());
            Assert.InRange(root.GetProperty("ageSeconds").GetInt64(), 7200, 7300);
        }
        Assert.DoesNotContain(token, json.OutText, StringComparison.Ordinal);

        var notYet = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "tokens", "--json", "--expiring-within", "10m"], environment: environment);
        Assert.True(notYet.ExitCode == 0, notYet.Error);
        Assert.DoesNotContain(uid, notYet.OutText, StringComparison.Ordinal);

        var table = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "tokens", "--older-than", "1h"], environment: environment);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.StartsWith("KIND", table.OutText, StringComparison.Ordinal);
        var row = Assert.Single(table.OutText.Split('\n'), l => l.Contains(uid, StringComparison.Ordinal));
        Assert.Contains(metadata.RequestId, row, StringComparison.Ordinal);
        Assert.Contains("2h 00m", row, StringComparison.Ordinal);
        Assert.Contains("token(s);", table.OutText, StringComparison.Ordinal);

        var bad = await ProcessRun.RunAsync("dotnet", [ShrTokBinary.Path, "tokens", "--older-than", "two days"], environment: environment);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--older-than 'two days'", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_worker_counts_them_on_its_metrics_endpoint_overdue_ones_apart()
    {
        var uid = DirectoryTestBed.NewUid();
        var dn = _bed.CreatePerson(uid, extensible: true);
        var token = "EEEE" + Guid.NewGuid().ToString("N");
        WriteEnrollment(dn, token, Record(token, "req-census", TimeSpan.FromDays(2), TimeSpan.FromDays(1)));
        var expected = (await ReadAllAsync()).Count(t => t.Kind == RequestKind.Enrollment && t.IsOverdueAt(DateTimeOffset.UtcNow));
        Assert.True(expected >= 1);

        var metrics = FreePort.MetricsEndpoint();
        await using var worker = await WorkerUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Telemetry:PrometheusEndpoint"] = metrics.ToString(),
            ["Lifecycle:CensusInterval"] = "00:00:05",
        });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        double overdue = -1, outstanding = -1;
        while (DateTime.UtcNow < deadline)
        {
            var scrape = await HttpProbe.ScrapeAsync(metrics);
            // No sample until the first count is done.
            if (scrape.Find("shrtok_tokens_overdue", ("shrtok_request_kind", "enrollment")).Count == 0)
            {
                await Task.Delay(500);
                continue;
            }
            overdue = scrape.Sum("shrtok_tokens_overdue", ("shrtok_request_kind", "enrollment"));
            outstanding = scrape.Sum("shrtok_tokens_outstanding", ("shrtok_request_kind", "enrollment"));
            if (overdue >= 1) break;
            await Task.Delay(500);
        }
        // Other tests may add or remove tokens meanwhile: the count is at least this test's token.
        Assert.True(overdue >= 1, $"shrtok_tokens_overdue was {overdue}");
        Assert.True(outstanding >= overdue, $"outstanding {outstanding}, overdue {overdue}");
    }
}
