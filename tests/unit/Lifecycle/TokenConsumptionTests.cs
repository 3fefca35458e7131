using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Lifecycle;
using SharedSecretWorker.Telemetry;
using SharedSecretWorker.Tests.Unit.Lifecycle.Fakes;

namespace SharedSecretWorker.Tests.Unit.Lifecycle;

/// <summary>What a certificate record means for the tokens in the directory (docs/token-lifecycle.md, "Used once").</summary>
public sealed class TokenConsumptionTests
{
    private static readonly DateTimeOffset Issued = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private const string Token = "VE9LRU4=";
    private const string Serial = "4096";

    private readonly FakeLifecycleDirectory _directory = new();
    private readonly FakeTokenEvents _events = new();
    private readonly ManualTime _time = new();
    private readonly LogLines<TokenConsumption> _log = new();
    private readonly TokenConsumption _consumption;

    public TokenConsumptionTests() =>
        _consumption = new TokenConsumption(_directory, _events, Options.Create(new DirectoryOptions { PeopleBase = FakeLifecycleDirectory.PeopleBase }), _time, _log);

    private static string Jdoe => FakeLifecycleDirectory.UserDn("jdoe");

    /// <summary>A record as the CA adds it for a certificate issued to jdoe's entry, its subject printed as Dogtag does.</summary>
    private static CertificateRecord IssuedTo(string subject, DateTimeOffset? createdAt = null, DateTimeOffset? dateOfCreate = null) =>
        new(FakeLifecycleDirectory.RecordDn(Serial), Serial, subject, createdAt ?? Issued, dateOfCreate ?? Issued, "VALID", null, []);

    private static CertificateRecordChange Added(CertificateRecord record) => new(CertificateRecordChangeKind.Added, record);

    private void JdoeHolds(string? token, DateTimeOffset? modifiedAt) => _directory.Put(new TokenHolder(Jdoe, "jdoe", token, modifiedAt));

    private Task<IReadOnlyList<ConsumptionOutcome>> HandleAsync(CertificateRecordChange change) => _consumption.HandleAsync(change, CancellationToken.None);

    [Fact]
    public async Task A_certificate_for_an_entry_whose_token_was_written_before_removes_it_and_reports_it()
    {
        JdoeHolds(Token, Issued.AddMinutes(-10));

        var outcomes = await HandleAsync(Added(IssuedTo("UID=jdoe,OU=people,DC=example,DC=com")));

        Assert.Equal([ConsumptionOutcome.Consumed], outcomes);
        Assert.Null(_directory.Entry(Jdoe)!.Token);
        var consumed = Assert.Single(_events.Published);
        Assert.Equal(TokenConsumedEvent.Enrollment(TokenDigest.Sha256Hex(Token), Jdoe, "jdoe", Serial, FakeLifecycleDirectory.RecordDn(Serial), Issued, _time.GetUtcNow()),
            consumed);
        Assert.Equal("enrollment.consumed", consumed.RoutingKey());
        Assert.Single(_log.Of(LogEvents.TokenConsumed));
        Assert.DoesNotContain(_log.Lines, l => l.Message.Contains(Token, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)] // the same second: cannot tell which came first
    [InlineData(0.9)] // later in the same second
    [InlineData(5)] // enrolled again after the certificate
    public async Task A_token_written_in_or_after_the_second_the_record_was_created_stays(double secondsAfter)
    {
        JdoeHolds(Token, Issued.AddSeconds(secondsAfter));

        Assert.Equal([ConsumptionOutcome.Kept], await HandleAsync(Added(IssuedTo(Jdoe))));

        Assert.Equal(Token, _directory.Entry(Jdoe)!.Token);
        Assert.Equal(0, _directory.Deletes);
        Assert.Empty(_events.Published);
        Assert.Single(_log.Of(LogEvents.TokenKept));
    }

    [Fact]
    public async Task A_token_written_in_the_second_before_is_removed()
    {
        JdoeHolds(Token, Issued.AddSeconds(-1));
        Assert.Equal([ConsumptionOutcome.Consumed], await HandleAsync(Added(IssuedTo(Jdoe, createdAt: Issued.AddMilliseconds(1)))));
    }

    [Fact]
    public async Task The_directory_clock_decides_and_the_CAs_dateOfCreate_only_stands_in_for_a_missing_createTimestamp()
    {
        // dateOfCreate as a CA whose JVM runs two hours ahead of UTC writes it (local time with a Z).
        JdoeHolds(Token, Issued.AddMinutes(30));
        Assert.Equal([ConsumptionOutcome.Kept], await HandleAsync(Added(IssuedTo(Jdoe, createdAt: Issued, dateOfCreate: Issued.AddHours(2)))));

        var record = IssuedTo(Jdoe) with { CreatedAt = null, DateOfCreate = Issued.AddHours(1) };
        Assert.Equal([ConsumptionOutcome.Consumed], await HandleAsync(Added(record)));
    }

    [Fact]
    public async Task Without_a_time_on_either_side_the_token_stays_with_a_warning()
    {
        JdoeHolds(Token, null);
        Assert.Equal([ConsumptionOutcome.Undecided], await HandleAsync(Added(IssuedTo(Jdoe))));

        JdoeHolds(Token, Issued.AddDays(-1));
        Assert.Equal([ConsumptionOutcome.Undecided], await HandleAsync(Added(IssuedTo(Jdoe) with { CreatedAt = null, DateOfCreate = null })));

        Assert.Equal(Token, _directory.Entry(Jdoe)!.Token);
        Assert.Equal(2, _log.Of(LogEvents.TokenConsumptionUndecided).Count());
    }

    [Theory]
    [InlineData("CN=Web Server,O=Example")]
    [InlineData("UID=jdoe,OU=staff,DC=example,DC=com")]
    [InlineData("OU=people,DC=example,DC=com")] // the base itself
    [InlineData("")]
    [InlineData(null)]
    public async Task A_subject_that_is_no_entry_under_the_people_base_is_not_even_read(string? subject)
    {
        JdoeHolds(Token, Issued.AddDays(-1));
        Assert.Equal([ConsumptionOutcome.NotAUser], await HandleAsync(Added(IssuedTo(subject!))));
        Assert.Equal(0, _directory.Reads);
    }

    [Fact]
    public async Task A_subject_under_the_people_base_without_an_entry_or_a_token_changes_nothing()
    {
        Assert.Equal([ConsumptionOutcome.NotAUser], await HandleAsync(Added(IssuedTo(FakeLifecycleDirectory.UserDn("nobody")))));
        JdoeHolds(null, Issued.AddDays(-1));
        Assert.Equal([ConsumptionOutcome.NoToken], await HandleAsync(Added(IssuedTo(Jdoe))));
        Assert.Equal(0, _directory.Deletes);
    }

    [Fact]
    public async Task When_the_value_is_gone_at_the_delete_another_worker_or_a_newer_token_won_and_nothing_is_reported()
    {
        JdoeHolds(Token, Issued.AddMinutes(-1));
        // A re-enrollment lands between the read and the delete.
        _directory.BeforeDelete = dn => _directory.Put(new TokenHolder(Jdoe, "jdoe", "TkVXRVI=", Issued.AddMinutes(1)));

        Assert.Equal([ConsumptionOutcome.AlreadyRemoved], await HandleAsync(Added(IssuedTo(Jdoe))));

        Assert.Equal("TkVXRVI=", _directory.Entry(Jdoe)!.Token);
        Assert.Empty(_events.Published);
        Assert.Single(_log.Of(LogEvents.TokenAlreadyRemoved));
    }

    [Fact]
    public async Task Seeing_the_same_record_again_changes_nothing_more()
    {
        JdoeHolds(Token, Issued.AddMinutes(-1));
        var record = IssuedTo(Jdoe);
        await HandleAsync(Added(record));

        Assert.Equal([ConsumptionOutcome.NoToken, ConsumptionOutcome.NotRevoked], await HandleAsync(new CertificateRecordChange(CertificateRecordChangeKind.Found, record)));
        Assert.Single(_events.Published);
    }

    private static CertificateRecord Revoked(params string[] revocationTokens) =>
        new(FakeLifecycleDirectory.RecordDn(Serial), Serial, "CN=Someone,O=Example", Issued, Issued, "REVOKED", Issued.AddDays(3), revocationTokens);

    [Fact]
    public async Task A_revoked_record_loses_each_revShrTok_value_and_each_is_reported()
    {
        var record = Revoked("revShrTok:QUJD", "revShrTok:REVG");
        _directory.PutRevocationTokens(record.Dn, "requestId:12", "revShrTok:QUJD", "revShrTok:REVG", "profileId:caFullCMCUserCert");

        var outcomes = await HandleAsync(new CertificateRecordChange(CertificateRecordChangeKind.Modified, record));

        Assert.Equal([ConsumptionOutcome.Consumed, ConsumptionOutcome.Consumed], outcomes);
        Assert.Equal(["requestId:12", "profileId:caFullCMCUserCert"], _directory.RevocationTokens(record.Dn));
        Assert.Equal([TokenDigest.Sha256Hex("QUJD"), TokenDigest.Sha256Hex("REVG")], _events.Published.Select(e => e.TokenSha256));
        var first = _events.Published[0];
        Assert.Equal(RequestKind.Revocation, first.Kind);
        Assert.Equal(record.Dn, first.Dn);
        Assert.Equal(record.Dn, first.CertificateRecordDn);
        Assert.Equal(Serial, first.Serial);
        Assert.Equal(Issued.AddDays(3), first.RevokedAt);
        Assert.Null(first.Uid);
    }

    [Theory]
    [InlineData("VALID")]
    [InlineData("EXPIRED")]
    [InlineData(null)]
    public async Task A_record_that_is_not_revoked_keeps_its_revShrTok(string? status)
    {
        var record = Revoked("revShrTok:QUJD") with { CertStatus = status };
        _directory.PutRevocationTokens(record.Dn, "revShrTok:QUJD");
        Assert.Equal([ConsumptionOutcome.NotRevoked], await HandleAsync(new CertificateRecordChange(CertificateRecordChangeKind.Modified, record)));
        Assert.Equal(["revShrTok:QUJD"], _directory.RevocationTokens(record.Dn));
    }

    [Fact]
    public async Task Revoked_and_expired_counts_as_revoked_and_a_revoked_record_without_a_token_is_nothing()
    {
        var record = Revoked("revShrTok:QUJD") with { CertStatus = "REVOKED_EXPIRED" };
        _directory.PutRevocationTokens(record.Dn, "revShrTok:QUJD");
        Assert.Equal([ConsumptionOutcome.Consumed], await HandleAsync(new CertificateRecordChange(CertificateRecordChangeKind.Modified, record)));
        Assert.Equal([ConsumptionOutcome.NoToken], await HandleAsync(new CertificateRecordChange(CertificateRecordChangeKind.Modified, Revoked())));
    }

    [Fact]
    public async Task Added_records_are_checked_for_enrollment_modified_ones_for_revocation_and_found_ones_for_both()
    {
        JdoeHolds(Token, Issued.AddMinutes(-1));
        var record = IssuedTo(Jdoe) with { CertStatus = "REVOKED", RevocationTokenValues = ["revShrTok:QUJD"] };
        _directory.PutRevocationTokens(record.Dn, "revShrTok:QUJD");

        Assert.Equal([ConsumptionOutcome.NotRevoked], await HandleAsync(new CertificateRecordChange(CertificateRecordChangeKind.Modified, record with { CertStatus = "VALID" })));
        Assert.Equal(Token, _directory.Entry(Jdoe)!.Token);
        Assert.Equal([ConsumptionOutcome.Consumed, ConsumptionOutcome.Consumed], await HandleAsync(new CertificateRecordChange(CertificateRecordChangeKind.Found, record)));
        Assert.Equal([RequestKind.Enrollment, RequestKind.Revocation], _events.Published.Select(e => e.Kind));
    }

    [Fact]
    public async Task An_event_the_broker_does_not_confirm_is_published_again_until_it_is()
    {
        JdoeHolds(Token, Issued.AddMinutes(-1));
        _events.FailNext(1);

        Assert.Equal([ConsumptionOutcome.Consumed], await HandleAsync(Added(IssuedTo(Jdoe))));

        Assert.Equal(2, _events.Attempts);
        Assert.Single(_events.Published);
        Assert.Single(_log.Of(LogEvents.ConsumedEventNotPublished));
    }

    [Fact]
    public async Task Stopping_while_the_broker_refuses_logs_the_event_lost()
    {
        JdoeHolds(Token, Issued.AddMinutes(-1));
        _events.FailNext(int.MaxValue);
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _consumption.HandleAsync(Added(IssuedTo(Jdoe)), stopping.Token));

        Assert.Null(_directory.Entry(Jdoe)!.Token);
        Assert.Single(_log.Of(LogEvents.ConsumedEventLost));
    }

    [Fact]
    public async Task A_directory_failure_reaches_the_caller()
    {
        JdoeHolds(Token, Issued.AddMinutes(-1));
        _directory.FailNext(new DirectoryException(DirectoryFailure.Unavailable, "down"));
        var failure = await Assert.ThrowsAsync<DirectoryException>(() => HandleAsync(Added(IssuedTo(Jdoe))));
        Assert.True(failure.IsTransient);
        Assert.Equal(Token, _directory.Entry(Jdoe)!.Token);
    }
}
