using SharedSecretWorker.Processing;
using SharedSecretWorker.Tests.Shared;

namespace SharedSecretWorker.Tests.Unit.Telemetry;

/// <summary>systemd/shared-secret-worker.service: systemd-analyze accepts it, its exposure is low, and it says what the issue asks.</summary>
public sealed class SystemdUnitTests
{
    private static string Unit => RepositoryFiles.Path("systemd", "shared-secret-worker.service");

    [Fact]
    public void Systemd_analyze_verify_accepts_the_unit_without_a_warning()
    {
        // verify exits 0 on unknown keys and bad values ("ignoring"): any output is a finding.
        var run = ProcessRun.Run(ProcessRun.Tool("systemd-analyze", "systemd"), ["verify", Unit], workingDirectory: Path.GetDirectoryName(Unit)!);
        Assert.True(run.ExitCode == 0 && string.IsNullOrWhiteSpace(run.Output), $"exit {run.ExitCode}:\n{run.Output}");
    }

    [Fact]
    public void Exposure_level_is_at_most_2_5()
    {
        var run = ProcessRun.Run(ProcessRun.Tool("systemd-analyze", "systemd"), ["security", "--offline=true", "--threshold=25", "--no-pager", Unit], workingDirectory: Path.GetDirectoryName(Unit)!);
        Assert.True(run.ExitCode == 0, run.Output);
    }

    [Fact]
    public void Unit_has_the_settings_operations_rely_on()
    {
        var settings = File.ReadAllLines(Unit).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.TrimStart().StartsWith('#'))
            .Select(l => (Key: l[..l.IndexOf('=', StringComparison.Ordinal)].Trim(), Value: l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim())).ToList();
        string Value(string key) => Assert.Single(settings, s => s.Key == key).Value;

        Assert.Equal("notify", Value("Type"));
        Assert.Equal("on-failure", Value("Restart"));
        Assert.Equal("yes", Value("NoNewPrivileges"));
        Assert.Equal("strict", Value("ProtectSystem"));
        Assert.Equal("yes", Value("ProtectHome"));
        Assert.Equal("yes", Value("PrivateTmp"));
        Assert.Equal("0077", Value("UMask"));
        Assert.Equal("0", Value("LimitCORE"));
        Assert.Equal("@system-service", Value("SystemCallFilter"));
        Assert.Equal("AF_UNIX AF_INET AF_INET6", Value("RestrictAddressFamilies"));
        Assert.Equal("shared-secret-worker", Value("User"));
        Assert.DoesNotContain(settings, s => s.Key == "MemoryDenyWriteExecute"); // breaks the .NET JIT
        Assert.True(Seconds(Value("WatchdogSec")) > 0);

        // TimeoutStopSec above the host's shutdown timeout (.NET default 30 s), itself above the job grace.
        var hostShutdown = new Microsoft.Extensions.Hosting.HostOptions().ShutdownTimeout;
        Assert.True(hostShutdown > WorkerOptions.DefaultShutdownGrace);
        Assert.True(Seconds(Value("TimeoutStopSec")) > hostShutdown.TotalSeconds);

        var credentials = settings.Where(s => s.Key == "LoadCredential").Select(s => s.Value.Split(':')[0]).ToList();
        Assert.Equal(["hsm-pin", "directory-password", "broker-password", "audit-address-key"], credentials);
        var environment = settings.Where(s => s.Key == "Environment").Select(s => s.Value).ToList();
        Assert.Contains("Hsm__PinFile=%d/hsm-pin", environment);
        Assert.Contains("Directory__BindPasswordFile=%d/directory-password", environment);
        Assert.Contains("RabbitMq__PasswordFile=%d/broker-password", environment);
        Assert.Contains("Audit__AddressKeyFile=%d/audit-address-key", environment);
    }

    private static double Seconds(string value) =>
        double.Parse(value.EndsWith('s') ? value[..^1] : value, System.Globalization.CultureInfo.InvariantCulture);
}
