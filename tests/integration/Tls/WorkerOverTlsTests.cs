using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Hosting;
using SharedSecretWorker.Tests.Integration.Infrastructure;
using SharedSecretWorker.Tests.Integration.Processing;

namespace SharedSecretWorker.Tests.Integration.Tls;

/// <summary>
/// Issue 8, TLS everywhere: the worker consumes and publishes over AMQPS and reads and writes the
/// directory over LDAPS, each trusting only the CA configured for it; a CA that did not sign the
/// server's certificate stops start-up with a message naming the setting.
/// </summary>
public sealed class WorkerOverTlsTests
{
    [Fact]
    public async Task Enrollment_over_amqps_and_ldaps_stores_a_token_the_notice_opens()
    {
        using var directory = new DirectoryProbe();
        var uid = directory.CreatePerson();
        await using var worker = await WorkerUnderTest.StartAsync(TlsSettings.Overrides());

        var id = await worker.EnrollAsync(uid);
        await StoredEnrollment.AssertAsync(worker, directory, id, uid, KeyWrap.Pkcs1);
    }

    [Fact]
    public async Task A_broker_CA_that_did_not_sign_the_broker_certificate_stops_start_up_naming_RabbitMq_CaFile()
    {
        using var wrong = new UntrustedCa();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => WorkerUnderTest.StartAsync(TlsSettings.Overrides(brokerCaFile: wrong.PemFile)));
        var reason = StartupFailure.Describe(error);
        Assert.True(reason is not null, $"not described as a start-up failure: {error}");
        Assert.Contains("RabbitMq:CaFile", reason, StringComparison.Ordinal);
        Assert.Contains("not trusted", reason, StringComparison.Ordinal);
        Assert.Contains(wrong.PemFile, reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_CA_file_that_is_no_certificate_stops_start_up_naming_RabbitMq_CaFile()
    {
        var notACertificate = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(notACertificate, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
            var error = await Assert.ThrowsAnyAsync<Exception>(() => WorkerUnderTest.StartAsync(TlsSettings.Overrides(brokerCaFile: notACertificate)));
            var reason = StartupFailure.Describe(error);
            Assert.True(reason is not null, $"not described as a start-up failure: {error}");
            Assert.Contains($"RabbitMq:CaFile '{notACertificate}' is not a PEM or DER certificate", reason, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notACertificate);
        }
    }

    [Fact]
    public async Task A_directory_CA_that_did_not_sign_the_directory_certificate_stops_start_up_naming_Directory_CaFile()
    {
        using var wrong = new UntrustedCa();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => WorkerUnderTest.StartAsync(TlsSettings.Overrides(directoryCaFile: wrong.PemFile)));
        var reason = StartupFailure.Describe(error);
        Assert.True(reason is not null, $"not described as a start-up failure: {error}");
        Assert.True(reason.Contains("Directory:CaFile", StringComparison.Ordinal), reason);
    }

    [Fact]
    public async Task The_amqps_listener_refuses_a_plain_amqp_client()
    {
        // The TLS port really is TLS: a client without it cannot open a connection there.
        var stack = StackEnvironment.Load();
        var overrides = TlsSettings.Overrides();
        overrides["RabbitMq:Uri"] = $"amqp://{stack.Get("STACK_RABBITMQ_WORKER_USER")}@localhost:{stack.Get("STACK_RABBITMQ_TLS_PORT")}/{stack.Get("STACK_RABBITMQ_VHOST")}";
        overrides["RabbitMq:CaFile"] = null;
        var error = await Assert.ThrowsAnyAsync<Exception>(() => WorkerUnderTest.StartAsync(overrides));
        Assert.Contains("RabbitMq", StartupFailure.Describe(error) ?? error.ToString(), StringComparison.Ordinal);
    }
}
