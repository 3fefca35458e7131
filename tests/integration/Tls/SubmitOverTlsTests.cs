using System.Text.Json;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Shared;
using ShrTok;

namespace SharedSecretWorker.Tests.Integration.Tls;

/// <summary>
/// <c>shrtok submit --wait</c> over AMQPS: the CLI reads the same configuration as the daemon
/// (environment variables here), so RabbitMq:Uri amqps:// and RabbitMq:CaFile reach it too.
/// Runs in the Console collection: it swaps Console.Out and sets process environment variables.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SubmitOverTlsTests
{
    [Fact]
    public async Task Submit_wait_over_amqps_prints_the_stored_result()
    {
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();
        await using var worker = await WorkerUnderTest.StartAsync(TlsSettings.Overrides());
        // The CLI gets the worker's configuration (its topology, its channels) as environment
        // variables, with the broker reached over TLS as the worker user (whose rights cover the
        // test topology's shrtok.* names).
        var settings = worker.Configuration(TlsSettings.Overrides());

        var (exit, output, error) = CliRun.Run(
            ["submit", "enrollment", "--uid", uid, "--channel", "email", "--address", uid + "@example.com", "--wait", "--timeout", "00:01:00"], settings: settings);

        Assert.True(exit == Cli.ExitOk, $"exit {exit}: {error}");
        var result = JsonSerializer.Deserialize(output.Trim(), MessageJsonContext.Default.ResultMessage)!;
        Assert.Equal(ResultStatus.Stored, result.Status);
        Assert.Equal(uid, result.Uid);
        var token = Assert.Single(directory.EnrollmentTokens(uid));
        Assert.Equal(TokenDigest.Sha256Hex(token), result.TokenSha256);
    }

    [Fact]
    public async Task Submit_with_a_wrong_broker_CA_fails_naming_RabbitMq_CaFile()
    {
        using var wrong = new UntrustedCa();
        await using var worker = await WorkerUnderTest.ObserveAsync();
        var settings = worker.Configuration(TlsSettings.Overrides(brokerCaFile: wrong.PemFile));

        var (exit, _, error) = CliRun.Run(["submit", "enrollment", "--uid", "jdoe", "--channel", "email", "--address", "jdoe@example.com"], settings: settings);

        Assert.Equal(Cli.ExitFailed, exit);
        Assert.Contains("RabbitMq:CaFile", error, StringComparison.Ordinal);
    }
}
