using System.Diagnostics;

namespace SharedSecretWorker.Benchmarks;

/// <summary>Runs a tool (ldapmodify, shrtok) to completion and returns its exit code and standard error.</summary>
internal static class ChildProcess
{
    public static async Task<(int Code, string Error)> RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await output;
        return (process.ExitCode, await error);
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit is an error naming the tool.</summary>
    public static async Task RunCheckedAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (code, error) = await RunAsync(file, arguments, cancellationToken);
        if (code != 0) throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {code}: {error.Trim()}");
    }
}
