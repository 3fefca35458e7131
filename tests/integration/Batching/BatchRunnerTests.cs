using System.Text;
using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using ShrTok.Batching;

namespace SharedSecretWorker.Tests.Integration.Batching;

/// <summary>
/// shrtok batch against the real stack: an in-process worker with its own topology, the CLI's
/// batch logic run directly (no Console, no environment), results through the broker.
/// </summary>
public sealed class BatchRunnerTests : IAsyncLifetime
{
    private const int KnownUsers = 2000;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "shrtok-batch-it-" + Guid.NewGuid().ToString("N")[..8]);
    private WorkerUnderTest _worker = null!;

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(_folder);
        _worker = await WorkerUnderTest.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private IConfiguration Configuration() => new ConfigurationBuilder()
        .AddInMemoryCollection(_worker.Configuration(new Dictionary<string, string?>
        {
            ["Batch:StateDirectory"] = Path.Combine(_folder, "state"),
            ["Batch:ProgressInterval"] = "00:00:01",
        }))
        .Build();

    private async Task<(int Exit, string Output, string Error)> RunAsync(BatchRunRequest request, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var runner = new BatchRunner(Configuration(), output, error, o => new PlainProgressView(output, o.ProgressInterval, TimeProvider.System), TimeProvider.System);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var exit = await runner.RunAsync(request, timeout.Token).WaitAsync(Patience, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<(int Exit, string Output, string Error)> StatusAsync(string batchId, bool wait, string? report)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var runner = new BatchRunner(Configuration(), output, error, o => new PlainProgressView(output, o.ProgressInterval, TimeProvider.System), TimeProvider.System);
        var exit = await runner.StatusAsync(batchId, wait, report, CancellationToken.None).WaitAsync(Patience);
        return (exit, output.ToString(), error.ToString());
    }

    private string WriteFile(string name, IEnumerable<string> rows)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllLines(path, rows.Prepend("uid,channel,address"));
        return path;
    }

    private static string User(int i) => $"user{i:D4}";

    private static List<string[]> ReadReport(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.Equal("uid,channel,address,requestId,status,code,message", lines[0]);
        // No field of these files needs quoting except messages, which come last.
        return lines.Skip(1).Select(l => l.Split(',', 7)).ToList();
    }

    private int NoticesOf(string batchId) => _worker.Notices.Count(n => n.BatchId == batchId);

    [Fact]
    public async Task A_2000_row_batch_with_3_unknown_uids_reports_each_row_and_a_rerun_issues_no_new_token()
    {
        var rows = Enumerable.Range(1, KnownUsers).Select(i => $"{User(i)},email,{User(i)}@example.com").ToList();
        rows.Insert(0, "nosuch-1,email,n1@example.com");
        rows.Insert(1000, "nosuch-2,sms,+15550102");
        rows.Add("nosuch-3,email,n3@example.com");
        var file = WriteFile("onboarding.csv", rows);
        var report = Path.Combine(_folder, "report.csv");
        var batchId = "it-" + Guid.NewGuid().ToString("N")[..10];

        var (exit, output, error) = await RunAsync(new BatchRunRequest(file, Wait: true, report, batchId, Rate: null, Reissue: false));

        Assert.True(exit == 1, $"exit {exit}\n{output}\n{error}");
        var result = ReadReport(report);
        Assert.Equal(rows.Count, result.Count);
        for (var i = 0; i < rows.Count; i++) Assert.Equal(rows[i].Split(',')[0], result[i][0]); // input order
        Assert.Equal(KnownUsers, result.Count(r => r[4] == "stored"));
        var failed = result.Where(r => r[4] == "failed").ToList();
        Assert.Equal(["nosuch-1", "nosuch-2", "nosuch-3"], failed.Select(r => r[0]));
        Assert.All(failed, r => Assert.Equal("unknown-uid", r[5]));
        Assert.Equal($"{batchId}:enrollment:user0001", result[1][3]);
        Assert.Contains("2000 stored, 3 failed", output);
        Assert.Equal(KnownUsers, NoticesOf(batchId));
        using var directory = new DirectoryProbe();
        const int Sample = 777; // a user no other test class enrolls
        var tokenBefore = directory.EnrollmentTokens(User(Sample)).Single();

        var rerunReport = Path.Combine(_folder, "rerun.csv");
        var (rerunExit, rerunOutput, rerunError) = await RunAsync(new BatchRunRequest(file, Wait: true, rerunReport, batchId, Rate: null, Reissue: false));

        Assert.True(rerunExit == 1, $"exit {rerunExit}\n{rerunOutput}\n{rerunError}");
        var rerun = ReadReport(rerunReport);
        Assert.Equal(KnownUsers, rerun.Count(r => r[4] == "stored" && r[6].Contains("earlier run", StringComparison.Ordinal)));
        Assert.Equal(3, rerun.Count(r => r[4] == "failed" && r[5] == "unknown-uid"));
        Assert.Contains("(3 published by this run)", rerunOutput); // only the failed rows went out again
        await Task.Delay(TimeSpan.FromSeconds(2)); // a stray second token would have its notice by now
        Assert.Equal(KnownUsers, NoticesOf(batchId));
        Assert.Equal(tokenBefore, directory.EnrollmentTokens(User(Sample)).Single());
    }

    [Fact]
    public async Task A_file_with_a_bad_row_sends_nothing_and_names_the_line()
    {
        var batchId = "it-" + Guid.NewGuid().ToString("N")[..10];
        var file = WriteFile("bad.csv", ["user0001,email,a@example.com", "user0002,email,b@example.com", "user0003,fax,c@example.com", "user0004,email,d@example.com"]);

        var (exit, _, error) = await RunAsync(new BatchRunRequest(file, Wait: true, Path.Combine(_folder, "r.csv"), batchId, null, false));

        Assert.Equal(2, exit);
        Assert.Contains($"{file}:4: unknown-channel", error);
        Assert.Contains("nothing was sent", error);
        Assert.False(System.IO.Directory.Exists(Path.Combine(_folder, "state", batchId)));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(_worker.Results, r => r.BatchId == batchId);
        Assert.Equal(0, NoticesOf(batchId));
    }

    [Fact]
    public async Task Without_wait_the_results_are_kept_for_batch_status_which_reports_and_announces_completion()
    {
        var batchId = "it-" + Guid.NewGuid().ToString("N")[..10];
        var file = WriteFile("later.csv", Enumerable.Range(1, 40).Select(i => $"{User(i)},sms,+1555{i:D7}").Append("nosuch-9,sms,+15550109"));
        var events = await ListenForBatchEventsAsync();

        var (exit, output, error) = await RunAsync(new BatchRunRequest(file, Wait: false, null, batchId, Rate: 200, Reissue: false));
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        Assert.Contains($"shrtok batch-status {batchId} --wait", output);

        var report = Path.Combine(_folder, "later-report.csv");
        var (statusExit, statusOutput, statusError) = await StatusAsync(batchId, wait: true, report);

        Assert.True(statusExit == 1, $"exit {statusExit}\n{statusOutput}\n{statusError}");
        var rows = ReadReport(report);
        Assert.Equal(40, rows.Count(r => r[4] == "stored"));
        Assert.Equal("unknown-uid", Assert.Single(rows, r => r[4] == "failed")[5]);
        var completed = await events.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains($"\"batchId\": \"{batchId}\"", completed);
        Assert.Contains("\"stored\": 40", completed);
        Assert.Contains("\"failed\": 1", completed);
        Assert.Contains("\"rows\": 41", completed);
    }

    [Fact]
    public async Task Ctrl_C_leaves_the_batch_running_and_the_next_run_sends_only_the_rest()
    {
        const int Rows = 300;
        var batchId = "it-" + Guid.NewGuid().ToString("N")[..10];
        var file = WriteFile("interrupted.csv", Enumerable.Range(1001, Rows).Select(i => $"{User(i)},email,{User(i)}@example.com"));
        using var ctrlC = new CancellationTokenSource(TimeSpan.FromSeconds(1)); // at 100/s, a third of the rows is out by then

        var (exit, output, error) = await RunAsync(new BatchRunRequest(file, Wait: true, null, batchId, Rate: 100, Reissue: false), ctrlC.Token);

        Assert.True(exit == 1, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("interrupted", error);
        Assert.Contains($"shrtok batch-status {batchId} --wait", error);
        Assert.Contains($"--batch-id {batchId}", error);

        // batch-status waits for the rows in flight only; the rows never sent stay not-sent.
        var statusReport = Path.Combine(_folder, "interrupted-status.csv");
        var (statusExit, statusOutput, statusError) = await StatusAsync(batchId, wait: true, statusReport);
        Assert.True(statusExit == 1, $"exit {statusExit}\n{statusOutput}\n{statusError}");
        var status = ReadReport(statusReport);
        var stored = status.Count(r => r[4] == "stored");
        Assert.InRange(stored, 1, Rows - 1);
        Assert.Equal(Rows - stored, status.Count(r => r[4] == "not-sent"));

        var report = Path.Combine(_folder, "interrupted-report.csv");
        var (againExit, againOutput, againError) = await RunAsync(new BatchRunRequest(file, Wait: true, report, batchId, Rate: null, Reissue: false));

        Assert.True(againExit == 0, $"exit {againExit}\n{againOutput}\n{againError}");
        Assert.Contains($"({Rows - stored} published by this run)", againOutput);
        Assert.All(ReadReport(report), r => Assert.Equal("stored", r[4]));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(Rows, NoticesOf(batchId)); // one passphrase per row, none twice
    }

    [Fact]
    public async Task Rows_whose_results_queue_expired_are_journaled_unknown_and_a_later_run_neither_waits_for_them_nor_resends_them()
    {
        const int Rows = 12;
        var batchId = "it-" + Guid.NewGuid().ToString("N")[..10];
        var file = WriteFile("expired.csv", Enumerable.Range(1101, Rows).Select(i => $"{User(i)},email,{User(i)}@example.com"));
        await _worker.StopWorkerAsync(); // the requests stay queued: no result can come for them

        var (exit, output, error) = await RunAsync(new BatchRunRequest(file, Wait: false, null, batchId, Rate: null, Reissue: false));
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");

        // The results queue expires (Batch:ResultsQueueExpiry) while nobody runs: deleted here.
        var folder = BatchStateFolder.PathOf(Path.Combine(_folder, "state"), batchId);
        var queue = BatchStateFolder.ReadManifest(folder)!.ResultsQueue!;
        await DeleteQueueAsync(queue);

        var firstReport = Path.Combine(_folder, "expired-1.csv");
        var (firstExit, firstOutput, firstError) = await StatusAsync(batchId, wait: false, firstReport);
        Assert.True(firstExit == 1, $"exit {firstExit}\n{firstOutput}\n{firstError}");
        Assert.All(ReadReport(firstReport), r => Assert.Equal(("unknown", "result-lost"), (r[4], r[5])));

        // A later run reads the journal: the rows are still unknown (not 'in flight' on the new queue
        // for ever), and none is published again, which would issue a second passphrase.
        var againReport = Path.Combine(_folder, "expired-2.csv");
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // it used to wait here for ever
        var (againExit, againOutput, againError) = await RunAsync(new BatchRunRequest(file, Wait: true, againReport, batchId, Rate: null, Reissue: false), patience.Token);
        Assert.DoesNotContain("interrupted", againError);
        Assert.True(againExit == 1, $"exit {againExit}\n{againOutput}\n{againError}");
        Assert.Contains($"{Rows} unknown", againOutput);
        Assert.DoesNotContain("published by this run", againOutput);
        Assert.All(ReadReport(againReport), r => Assert.Equal(("unknown", "result-lost"), (r[4], r[5])));
    }

    private static async Task DeleteQueueAsync(string queue)
    {
        await using var connection = await StackEnvironment.Load().AdminConnectionFactory("shrtok-test-expire").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
    }

    /// <summary>The first batch.completed event on the worker's results exchange.</summary>
    private async Task<TaskCompletionSource<string>> ListenForBatchEventsAsync()
    {
        var connection = await StackEnvironment.Load().AdminConnectionFactory("shrtok-test-batch-events").CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await channel.QueueDeclareAsync("", false, true, true);
        await channel.QueueBindAsync(queue.QueueName, _worker.ResultsExchange, BatchCompletedEvent.RoutingKey);
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            seen.TrySetResult(Encoding.UTF8.GetString(delivery.Body.Span));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, true, consumer);
        _ = seen.Task.ContinueWith(async _ => await connection.DisposeAsync(), TaskScheduler.Default);
        return seen;
    }
}
