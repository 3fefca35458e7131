using System.Diagnostics;

namespace SharedSecretWorker.Tests.Unit.Telemetry;

/// <summary>Runs an operations tool (promtool, systemd-analyze). A missing tool fails the test, naming the package.</summary>
internal sealed record ToolRun(int ExitCode, string Output)
{
    public static ToolRun Of(string tool, string debianPackage, string workingDirectory, params string[] arguments)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => System.IO.Path.Combine(d, tool)).FirstOrDefault(File.Exists);
        Assert.True(path is not null, $"{tool} is not installed: install the Debian package '{debianPackage}' (tests/run does).");
        var start = new ProcessStartInfo(path, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), $"{tool} did not finish");
        return new ToolRun(process.ExitCode, stdout.Result + stderr.Result);
    }
}
