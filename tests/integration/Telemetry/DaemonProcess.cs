using System.Diagnostics;
using System.Text;
using SharedSecretWorker.Tests.Integration.Infrastructure;

namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>The built daemon in its own process, configured by environment variables, as systemd runs it.</summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DaemonProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts the daemon with <paramref name="configuration"/> (keys with ':') and extra <paramref name="environment"/>.</summary>
    public static DaemonProcess Start(IReadOnlyDictionary<string, string?> configuration, IReadOnlyDictionary<string, string> environment)
    {
        var stack = StackEnvironment.Load();
        var build = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        var dll = Path.Combine(stack.RepositoryRoot, "src", "SharedSecretWorker", "bin", build, "net10.0", "SharedSecretWorker.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built: build the solution first.");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in stack.WorkerEnvironment())
            if (!key.Contains("__", StringComparison.Ordinal)) start.Environment[key] = value; // SOFTHSM2_CONF
        foreach (var (key, value) in configuration)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["DOTNET_gcServer"] = "0";

        var daemon = new DaemonProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        daemon._process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
        daemon._process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
        daemon._process.Start();
        daemon._process.BeginOutputReadLine();
        daemon._process.BeginErrorReadLine();
        return daemon;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGTERM, as systemd stops a service (the kill command: no P/Invoke needed).</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
