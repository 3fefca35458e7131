using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using ShrTok.Auditing;
using static SharedSecretWorker.Tests.Unit.Cli.Auditing.AuditEntries;

namespace SharedSecretWorker.Tests.Unit.Cli.Auditing;

public sealed class AuditTableTests
{
    [Fact]
    public void The_header_names_the_columns_at_their_fixed_places()
    {
        var header = AuditTable.Header();

        Assert.Equal(
            "TIME (UTC)               ACTION          OUTCOME  KIND        TARGET                REQUEST ID                            SHA-256",
            header);
        Assert.Equal([0, 25, 41, 50, 62, 84, 122],
            new[] { "TIME (UTC)", "ACTION", "OUTCOME", "KIND", "TARGET", "REQUEST ID", "SHA-256" }.Select(t => header.IndexOf(t, StringComparison.Ordinal)));
    }

    [Fact]
    public void A_row_has_the_time_action_outcome_kind_target_name_request_id_and_digest_prefix()
    {
        var row = AuditTable.Row(AuditMapping.Map(Of(StoredEnrollment())));

        Assert.Equal(
            "2026-12-01 08:14:02.117  create/issue    success  enrollment  jdoe                  idm-0419                              3f0a9c51d2e8",
            row);
        Assert.Equal(AuditTable.Header().IndexOf("SHA-256", StringComparison.Ordinal), row.IndexOf("3f0a9c51d2e8", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failure_shows_its_code_and_pushes_the_rest_of_its_line_right_rather_than_cutting()
    {
        var failed = ResultMessage.Failed(Revocation, ErrorCodes.UnknownSerial, "No certificate record.", 1,
            new DateTimeOffset(2026, 11, 27, 12, 0, 1, 456, TimeSpan.Zero), dn: RecordDn);

        var row = AuditTable.Row(AuditMapping.Map(Of(failed)));

        Assert.Equal(
            "2026-11-27 12:00:01.456  create/issue    failure (unknown-serial)  revocation  serial 6699           idm-0420                              -",
            row);
    }

    [Fact]
    public void Missing_values_are_dashes_and_a_target_without_a_name_shows_its_id()
    {
        var record = AuditMapping.Map(new AuditEntry(null, "weird", WorkerUser, null, null, "{}"u8.ToArray())) with { Kind = null };

        Assert.Equal(
            "1970-01-01 00:00:00.000  unknown/unknown  unknown  -           unknown               -                                     -",
            AuditTable.Row(record));
    }

    [Fact]
    public void The_time_is_shown_in_UTC()
    {
        var record = Record(at: new DateTimeOffset(2026, 12, 1, 9, 14, 2, 117, TimeSpan.FromHours(1)));

        Assert.StartsWith("2026-12-01 08:14:02.117  ", AuditTable.Row(record), StringComparison.Ordinal);
    }

    [Fact]
    public void A_digest_shorter_than_the_prefix_is_shown_whole_and_a_long_one_cut_to_twelve_digits()
    {
        Assert.EndsWith("  ab12", AuditTable.Row(Record() with { TokenSha256 = "ab12" }), StringComparison.Ordinal);
        Assert.EndsWith("  " + TokenSha256[..12], AuditTable.Row(Record() with { TokenSha256 = TokenSha256 }), StringComparison.Ordinal);
        Assert.Equal(12, AuditTable.DigestPrefix);
    }

    [Fact]
    public void A_long_target_is_never_cut()
    {
        var row = AuditTable.Row(Record(uid: null, requestId: "idm-0419"));

        Assert.Contains($"  {UserDn}  idm-0419", row, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_record_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => AuditTable.Row(null!));
    }
}
