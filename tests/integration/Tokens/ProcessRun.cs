using System.Diagnostics;

namespace SharedSecretWorker.Tests.Integration.Tokens;

/// <summary>Runs an external program (openssl, the built shrtok) and captures its output.</summary>
internal sealed record ProcessRun(int ExitCode, byte[] Out, string Error)
{
    public string OutText => System.Text.Encoding.UTF8.GetString(Out);

    public static async Task<ProcessRun> RunAsync(string file, IEnumerable<string> arguments, byte[]? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (key, value) in environment) start.Environment[key] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null) await process.StandardInput.BaseStream.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        await copy;
        return new ProcessRun(process.ExitCode, output.ToArray(), await error);
    }
}
