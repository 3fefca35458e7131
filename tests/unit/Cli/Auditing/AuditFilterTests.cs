using ShrTok.Auditing;
using static SharedSecretWorker.Tests.Unit.Cli.Auditing.AuditEntries;

namespace SharedSecretWorker.Tests.Unit.Cli.Auditing;

public sealed class AuditFilterTests
{
    private static readonly DateTimeOffset Since = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void No_filter_matches_every_record()
    {
        var filter = new AuditFilter();

        Assert.True(filter.Matches(Record()));
        Assert.True(filter.Matches(Record(at: DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void Since_keeps_records_at_or_after_it_by_their_own_time()
    {
        var filter = new AuditFilter(Since: Since);

        Assert.True(filter.Matches(Record(at: Since)));
        Assert.True(filter.Matches(Record(at: Since.AddMilliseconds(1))));
        Assert.False(filter.Matches(Record(at: Since.AddMilliseconds(-1))));
    }

    [Fact]
    public void Since_compares_instants_not_clock_readings()
    {
        var filter = new AuditFilter(Since: Since);

        // 09:30 at +02:00 is 07:30 UTC: before.
        Assert.False(filter.Matches(Record(at: new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.FromHours(2)))));
        // 07:30 at -01:00 is 08:30 UTC: after.
        Assert.True(filter.Matches(Record(at: new DateTimeOffset(2026, 12, 1, 7, 30, 0, TimeSpan.FromHours(-1)))));
    }

    [Theory]
    [InlineData("jdoe", "jdoe")]
    [InlineData("JDoe", "jdoe")]
    [InlineData("jdoe", "JDOE")]
    [InlineData(" jdoe ", "jdoe")]
    [InlineData("john  doe", "John Doe")]
    public void A_uid_matches_as_the_directory_compares_uids(string wanted, string recorded)
    {
        Assert.True(new AuditFilter(Uid: wanted).Matches(Record(uid: recorded)));
    }

    [Theory]
    [InlineData("jdoe", "jdoe2")]
    [InlineData("jdoe", "j doe")]
    [InlineData("jdoe", "jdoé")]
    public void Another_uid_does_not_match(string wanted, string recorded)
    {
        Assert.False(new AuditFilter(Uid: wanted).Matches(Record(uid: recorded)));
    }

    [Fact]
    public void A_record_without_a_uid_never_matches_a_uid()
    {
        Assert.False(new AuditFilter(Uid: "jdoe").Matches(Record(uid: null)));
    }

    [Fact]
    public void A_request_id_matches_exactly()
    {
        Assert.True(new AuditFilter(RequestId: "idm-0419").Matches(Record(requestId: "idm-0419")));
        Assert.False(new AuditFilter(RequestId: "IDM-0419").Matches(Record(requestId: "idm-0419")));
        Assert.False(new AuditFilter(RequestId: "idm-041").Matches(Record(requestId: "idm-0419")));
        Assert.False(new AuditFilter(RequestId: "idm-0419").Matches(Record(requestId: null)));
    }

    [Fact]
    public void A_batch_id_matches_exactly()
    {
        Assert.True(new AuditFilter(BatchId: "onboarding-2026-11").Matches(Record(batchId: "onboarding-2026-11")));
        Assert.False(new AuditFilter(BatchId: "Onboarding-2026-11").Matches(Record(batchId: "onboarding-2026-11")));
        Assert.False(new AuditFilter(BatchId: "onboarding-2026-11").Matches(Record(batchId: null)));
    }

    [Fact]
    public void Every_given_condition_must_hold()
    {
        var filter = new AuditFilter(Since, "jdoe", "idm-0419", "onboarding-2026-11");
        var at = Since.AddMinutes(1);

        Assert.True(filter.Matches(Record(at, "JDoe", "idm-0419", "onboarding-2026-11")));
        Assert.False(filter.Matches(Record(Since.AddMinutes(-1), "jdoe", "idm-0419", "onboarding-2026-11")));
        Assert.False(filter.Matches(Record(at, "jroe", "idm-0419", "onboarding-2026-11")));
        Assert.False(filter.Matches(Record(at, "jdoe", "idm-0420", "onboarding-2026-11")));
        Assert.False(filter.Matches(Record(at, "jdoe", "idm-0419", "onboarding-2026-12")));
    }

    [Fact]
    public void Filters_a_mapped_record_by_the_values_of_its_message()
    {
        var record = AuditMapping.Map(Of(StoredEnrollment()));

        Assert.True(new AuditFilter(Since: Completed, Uid: "JDOE", RequestId: "idm-0419").Matches(record));
        Assert.False(new AuditFilter(BatchId: "onboarding-2026-11").Matches(record));
    }

    [Fact]
    public void A_null_record_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new AuditFilter().Matches(null!));
    }
}
