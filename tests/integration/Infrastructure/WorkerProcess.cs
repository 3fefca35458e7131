using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
namespace SharedSecretWorker.Tests.Integration.Infrastructure;

/// <summary>
/// The built daemon as operators (and systemd) run it: its own process, configured by environment
/// variables (<c>Section__Key</c>), so that it can be killed (SIGKILL) or stopped (SIGTERM) for real.
/// </summary>
public sealed partial class WorkerProcess : IDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _consuming = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process) => _process = process;

    /// <summary>What the worker printed so far (its console log).</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines of the log, for failure messages.</summary>
    public string LogTail(int lines = 60) => string.Join('\n', Log.Split('\n').TakeLast(lines));

    /// <summary>
    /// Starts the built daemon with <paramref name="configuration"/> (keys with ':') and extra
    /// <paramref name="environment"/> variables. Its console log is single-line and simple unless
    /// <paramref name="singleLineLog"/> is false (then the daemon picks its format, as under systemd).
    /// </summary>
    public static WorkerProcess Start(IReadOnlyDictionary<string, string?> configuration, IReadOnlyDictionary<string, string>? environment = null, bool singleLineLog = true)
    {
        var stack = StackEnvironment.Load();
        var build = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        var dll = Path.Combine(stack.RepositoryRoot, "src", "SharedSecretWorker", "bin", build, "net10.0", "SharedSecretWorker.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is not built: build the solution first.");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in stack.WorkerEnvironment())
            if (!key.Contains("__", StringComparison.Ordinal)) start.Environment[key] = value; // SOFTHSM2_CONF
        foreach (var (key, value) in configuration)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        if (environment is not null)
        {
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }
        if (singleLineLog)
        {
            start.Environment["Logging__Console__FormatterName"] = "simple";
            start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        }
        start.Environment["DOTNET_gcServer"] = "0";

        var worker = new WorkerProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        worker._process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        worker._process.Exited += (_, _) => worker._consuming.TrySetException(new InvalidOperationException("the worker exited:\n" + worker.Log));
        worker._process.Start();
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        return worker;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
        // LogEvents.Consuming (1001): both lanes have a consumer.
        if (line.Contains("[1001]", StringComparison.Ordinal)) _consuming.TrySetResult();
    }

    /// <summary>Waits until the worker consumes.</summary>
    public Task WaitUntilConsumingAsync(TimeSpan? timeout = null) => _consuming.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>SIGKILL: no chance to finish, ack or close anything.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as systemd stops a service.</summary>
    public void Terminate()
    {
        if (SendSignal(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for the process to end; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
