using System.Diagnostics;
using System.Text;

namespace SharedSecretWorker.Tests.Shared;

/// <summary>
/// One run of an external program (openssl, the built shrtok, promtool, ldapmodify, ...) to its end:
/// the arguments go as a list, never through a shell; standard input gets <c>input</c> (if any) and
/// then end of file. Keeps the exit code, the raw standard output (bytes: a passphrase must match
/// exactly) and the standard error. A run longer than its timeout is killed and throws
/// <see cref="TimeoutException"/>; a cancelled one is killed too.
/// </summary>
internal sealed record ProcessRun(int ExitCode, byte[] Out, string Error)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The program's file name, for messages (not its arguments: they may name secrets).</summary>
    public string Program { get; init; } = "";

    public string OutText => Encoding.UTF8.GetString(Out);

    /// <summary>Standard output then standard error, as one text.</summary>
    public string Output => OutText + Error;

    /// <summary>This run, or (unless it exited 0) an error naming the program, its exit code and its standard error.</summary>
    public ProcessRun EnsureSuccess() =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"{Program} exited with {ExitCode}: {Error.Trim()}");

    /// <summary>The path of <paramref name="tool"/> on PATH; a missing tool is an error naming its Debian package.</summary>
    public static string Tool(string tool, string debianPackage) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} is not installed: install the Debian package '{debianPackage}' (tests/run does).");

    /// <summary>Runs <paramref name="file"/> and waits for it (see <see cref="RunAsync"/>).</summary>
    public static ProcessRun Run(string file, IEnumerable<string> arguments, byte[]? input = null,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null) =>
        RunAsync(file, arguments, input, environment, workingDirectory, timeout).GetAwaiter().GetResult();

    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="arguments"/>, extra <paramref name="environment"/>
    /// variables and <paramref name="workingDirectory"/>; <paramref name="timeout"/> defaults to
    /// <see cref="DefaultTimeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: none).
    /// </summary>
    public static async Task<ProcessRun> RunAsync(string file, IEnumerable<string> arguments, byte[]? input = null,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var argumentList = arguments.ToList();
        var program = Path.GetFileName(file);
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in argumentList) start.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;

        var limit = timeout ?? DefaultTimeout;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit != Timeout.InfiniteTimeSpan) stop.CancelAfter(limit);
        try
        {
            if (input is not null) await process.StandardInput.BaseStream.WriteAsync(input, stop.Token).ConfigureAwait(false);
            process.StandardInput.Close();
            await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{program} ran longer than {limit}.");
        }
        await copy.ConfigureAwait(false);
        return new ProcessRun(process.ExitCode, output.ToArray(), await error.ConfigureAwait(false)) { Program = program };
    }
}
