using SharedSecretWorker.Contracts.Requests;
using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Unit.Cli.Batching;

public sealed class BatchReportWriterTests : IDisposable
{
    private readonly BatchFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void The_report_is_the_input_columns_then_the_outcome_of_each_row_in_input_order()
    {
        var parser = new RequestParser(["email"]);
        var path = _files.Write("address,uid,channel\n\"x, \"\"y\"\"@example.com\",jdoe,email\nb@example.com,asmith,email\nc@example.com,bwong,email\nd@example.com,cz,email\n");
        var problems = new List<BatchProblem>();
        var plan = new BatchValidator(parser).Validate(path, "b1", 0, BatchValidator.FileSha256(path), problems)!;
        Assert.Empty(problems);
        var outcomes = new BatchOutcomes(plan.Rows);
        outcomes.Set(0, RowState.Stored);
        outcomes.Set(1, RowState.Failed, "unknown-uid", "No entry has uid 'asmith'.");
        outcomes.Set(2, RowState.Sent);
        var report = Path.Combine(_files.Folder, "report.csv");

        BatchReportWriter.Write(report, plan, outcomes, new BatchRequestFactory(parser, plan.Columns, "b1", 0));

        Assert.Equal(
            [
                "address,uid,channel,requestId,status,code,message",
                "\"x, \"\"y\"\"@example.com\",jdoe,email,b1:enrollment:jdoe,stored,,",
                "b@example.com,asmith,email,b1:enrollment:asmith,failed,unknown-uid,No entry has uid 'asmith'.",
                "c@example.com,bwong,email,b1:enrollment:bwong,sent,,published; no result yet",
                "d@example.com,cz,email,b1:enrollment:cz,not-sent,,not published",
            ],
            File.ReadAllLines(report));
    }
}
