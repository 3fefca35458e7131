using SharedSecretWorker.Contracts.Requests;
using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Unit.Cli.Batching;

public sealed class BatchValidatorTests : IDisposable
{
    private readonly BatchFiles _files = new();
    private readonly BatchValidator _validator = new(new RequestParser(["email", "sms"]));

    public void Dispose() => _files.Dispose();

    private (BatchPlan? Plan, List<BatchProblem> Problems) Validate(string text)
    {
        var path = _files.Write(text);
        var problems = new List<BatchProblem>();
        var plan = _validator.Validate(path, "b1", 0, BatchValidator.FileSha256(path), problems);
        return (plan, problems);
    }

    [Fact]
    public void A_valid_enrollment_file_gives_a_plan_with_one_id_per_row()
    {
        var (plan, problems) = Validate("uid,channel,address\njdoe,email,jdoe@example.com\nasmith,sms,+15550100\n");
        Assert.Empty(problems);
        Assert.NotNull(plan);
        Assert.Equal(RequestKind.Enrollment, plan.Kind);
        Assert.Equal(2, plan.Rows);
        Assert.True(plan.TryGetRow("b1:enrollment:asmith", out var row));
        Assert.Equal(1, row);
    }

    [Fact]
    public void Columns_may_come_in_any_order()
    {
        var (plan, problems) = Validate("address,serial,channel\n+15550100,0x1A2B,sms\n");
        Assert.Empty(problems);
        Assert.Equal(RequestKind.Revocation, plan!.Kind);
        Assert.True(plan.TryGetRow("b1:revocation:6699", out _)); // ids use the decimal serial
    }

    [Fact]
    public void Every_bad_row_is_listed_with_its_line_and_reason()
    {
        var (plan, problems) = Validate(string.Join('\n',
            "uid,channel,address",
            "jdoe,email,jdoe@example.com",
            "asmith,fax,asmith@example.com",
            "bwong,email",
            "",
            "caf\u00e9,email,cafe@example.com",
            "JDOE,sms,+15550100",
            "zed,email,zed@example.com") + "\n");
        Assert.Null(plan);
        Assert.Collection(problems,
            p => { Assert.Equal(3, p.Line); Assert.Contains("unknown-channel", p.Reason); Assert.Contains("'fax'", p.Reason); Assert.Contains("Column 'channel'", p.Reason); },
            p => { Assert.Equal(4, p.Line); Assert.Contains("2 fields; the header has 3", p.Reason); },
            p => { Assert.Equal(6, p.Line); Assert.Contains("non-ASCII", p.Reason); },
            p => { Assert.Equal(7, p.Line); Assert.Contains("duplicate", p.Reason); Assert.Contains("line 2", p.Reason); });
    }

    [Fact]
    public void Line_numbers_count_lines_inside_quoted_fields()
    {
        var (_, problems) = Validate("uid,channel,address\n\"jdoe\",email,\"two\nlines\"\nasmith,fax,a@example.com\n");
        var problem = Assert.Single(problems, p => p.Reason.Contains("unknown-channel", StringComparison.Ordinal));
        Assert.Equal(4, problem.Line);
    }

    [Fact]
    public void Serials_that_are_the_same_number_are_duplicates()
    {
        var (_, problems) = Validate("serial,channel,address\n0x1A2B,sms,+15550100\n6699,sms,+15550101\n");
        var problem = Assert.Single(problems);
        Assert.Equal(3, problem.Line);
        Assert.Contains("duplicate", problem.Reason);
    }

    [Fact]
    public void A_bad_serial_is_refused_with_the_workers_reason()
    {
        var (_, problems) = Validate("serial,channel,address\nnot-a-number,sms,+15550100\n");
        Assert.Contains("invalid-request", Assert.Single(problems).Reason);
    }

    [Fact]
    public void A_stray_quote_is_reported()
    {
        var (_, problems) = Validate("uid,channel,address\nj\"doe,email,jdoe@example.com\n");
        var problem = Assert.Single(problems);
        Assert.Equal(2, problem.Line);
        Assert.Contains("quote", problem.Reason);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("uid,channel\n", "lacks address")]
    [InlineData("uid,channel,address,extra\n", "'extra'")]
    [InlineData("uid,serial,channel,address\n", "both")]
    [InlineData("uid,uid,channel,address\n", "twice")]
    [InlineData("uid,channel,address\n", "no rows")]
    public void A_wrong_header_or_an_empty_file_is_one_problem(string text, string expected)
    {
        var (plan, problems) = Validate(text);
        Assert.Null(plan);
        Assert.Contains(expected, Assert.Single(problems).Reason);
    }

    [Fact]
    public void A_byte_order_mark_and_crlf_line_ends_are_fine()
    {
        var path = _files.Write("\uFEFFuid,channel,address\r\njdoe,email,jdoe@example.com\r\n");
        var problems = new List<BatchProblem>();
        Assert.NotNull(_validator.Validate(path, "b1", 0, BatchValidator.FileSha256(path), problems));
        Assert.Empty(problems);
    }
}
