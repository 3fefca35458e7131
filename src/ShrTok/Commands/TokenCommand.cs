using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedSecretWorker.Contracts.Tokens;
using SharedSecretWorker.Tokens;

namespace ShrTok.Commands;

/// <summary>
/// <c>shrtok token (--cert FILE | HSM options) [--oaep] [--passphrase-file FILE | --generate] [-o FILE]</c>:
/// what CMCSharedToken does, for one passphrase. The passphrase never comes from the command
/// line (CMCSharedToken's <c>-s</c> shows it in the process list): from a file, standard input,
/// or generated and shown once on the terminal.
/// </summary>
internal static class TokenCommand
{
    /// <summary>Longest passphrase input read (file or standard input).</summary>
    private const int MaxPassphraseInputBytes = 4096;

    /// <summary>Replaces standard input in tests (null: the process's standard input).</summary>
    internal static Func<Stream>? StandardInputOverride { get; set; }

    public static Command Create()
    {
        var cert = new Option<FileInfo>("--cert") { Description = "Issuance protection certificate (PEM or DER): make the token in software. Without it, the Hsm and Token configuration sections are used (Hsm:Library, Hsm:TokenLabel, Hsm:PinFile, Token:IssuanceProtectionCertificateFile or Hsm:IssuanceProtectionKeyLabel)." };
        var oaep = new Option<bool>("--oaep") { Description = "Wrap the session key with RSA-OAEP SHA-256 (the CA's keyWrap.useOAEP=true). Default: PKCS#1 v1.5, or Token:KeyWrap when the configuration is used." };
        var passphraseFile = new Option<FileInfo>("--passphrase-file") { Description = "File holding the passphrase (printable ASCII; one trailing newline is ignored). Without it and without --generate, the passphrase is read from standard input." };
        var generate = new Option<bool>("--generate") { Description = "Generate the passphrase (Token:PassphraseLength, Token:PassphraseGroupSize) and show it once on standard error." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Write the token to this file instead of standard output." };
        var command = new Command("token", "Make a CMC shared token (what CMCSharedToken does) for one passphrase; prints it as one line of base64.");
        command.Options.Add(cert);
        command.Options.Add(oaep);
        command.Options.Add(passphraseFile);
        command.Options.Add(generate);
        command.Options.Add(output);
        command.SetAction(parse => Run(
            parse.GetValue(cert), parse.GetValue(oaep), parse.GetValue(passphraseFile), parse.GetValue(generate), parse.GetValue(output)));
        return command;
    }

    private static int Run(FileInfo? cert, bool oaep, FileInfo? passphraseFile, bool generate, FileInfo? output)
    {
        if (generate && passphraseFile is not null) return Usage("--passphrase-file and --generate exclude each other: either supply the passphrase or have one generated.");
        ITokenEncryptor encryptor;
        TokenOptions tokenOptions;
        // Warnings (such as Hsm:AllowSoftwareKeyWrap in use) go to standard error, never to the token's output.
        using var loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        try
        {
            (encryptor, tokenOptions) = cert is not null ? ForCertificate(cert, oaep) : FromConfiguration(oaep, loggers);
        }
        catch (TokenEngineException e)
        {
            return Usage(e.Message);
        }
        catch (InvalidOperationException e)
        {
            // Configuration binding names the key it could not convert.
            return Usage(e.Message);
        }
        byte[]? passphrase = null;
        try
        {
            encryptor.ProbeAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (generate)
            {
                passphrase = new PassphraseGenerator(encryptor, tokenOptions.PassphraseLength, tokenOptions.PassphraseGroupSize)
                    .GenerateAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
            else
            {
                var error = ReadPassphrase(passphraseFile, out passphrase);
                if (error is not null) return Usage(error);
            }
            var token = encryptor.EncryptAsync(passphrase, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (output is not null) File.WriteAllText(output.FullName, token + "\n");
            else Console.Out.WriteLine(token);
            if (generate) ShowOnce(passphrase);
            return Cli.ExitOk;
        }
        catch (Exception e) when (e is TokenEngineException or HsmUnavailableException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"shrtok token: {e.Message}");
            return Cli.ExitFailed;
        }
        finally
        {
            if (passphrase is not null) CryptographicOperations.ZeroMemory(passphrase);
            encryptor.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static (ITokenEncryptor, TokenOptions) ForCertificate(FileInfo cert, bool oaep)
    {
        var options = new TokenOptions { KeyWrap = oaep ? KeyWrap.Oaep : KeyWrap.Pkcs1, IssuanceProtectionCertificateFile = cert.FullName };
        var hsm = new HsmOptions();
        var configuration = CliConfiguration.Load();
        // Passphrase shape still comes from configuration, so operators get what the daemon makes.
        var section = configuration.GetSection(TokenOptions.SectionName);
        options.PassphraseLength = section.GetValue(nameof(TokenOptions.PassphraseLength), TokenOptions.DefaultPassphraseLength);
        options.PassphraseGroupSize = section.GetValue(nameof(TokenOptions.PassphraseGroupSize), TokenOptions.DefaultPassphraseGroupSize);
        Validate(options, hsm, "--cert");
        return (TokenEncryptorFactory.Create(options, hsm, NullLoggerFactory.Instance), options);
    }

    private static (ITokenEncryptor, TokenOptions) FromConfiguration(bool oaep, ILoggerFactory loggers)
    {
        var configuration = CliConfiguration.Load();
        var options = configuration.GetSection(TokenOptions.SectionName).Get<TokenOptions>() ?? new TokenOptions();
        var hsm = configuration.GetSection(HsmOptions.SectionName).Get<HsmOptions>() ?? new HsmOptions();
        // Same rule as CMCSharedToken: PKCS#1 unless told otherwise; the configured wrap is "told otherwise".
        if (oaep) options.KeyWrap = KeyWrap.Oaep;
        options.KeyWrap ??= KeyWrap.Pkcs1;
        if (string.IsNullOrWhiteSpace(hsm.Library) && string.IsNullOrWhiteSpace(options.IssuanceProtectionCertificateFile))
        {
            throw new TokenEngineException("give --cert FILE, or configure Hsm:Library, Hsm:TokenLabel and Hsm:PinFile (with Token:IssuanceProtectionCertificateFile or Hsm:IssuanceProtectionKeyLabel).");
        }
        Validate(options, hsm, "the configuration");
        return (TokenEncryptorFactory.Create(options, hsm, loggers), options);
    }

    private static void Validate(TokenOptions options, HsmOptions hsm, string source)
    {
        var failures = HsmOptionsValidator.Check(hsm);
        failures.AddRange(TokenOptionsValidator.Check(options, hsm));
        if (failures.Count > 0) throw new TokenEngineException($"{source} is not usable: {string.Join(" ", failures)}");
    }

    /// <summary>Reads the passphrase bytes; returns an error message (bad input) or null.</summary>
    private static string? ReadPassphrase(FileInfo? file, out byte[] passphrase)
    {
        passphrase = [];
        byte[] raw;
        string source;
        if (file is not null)
        {
            source = $"the passphrase file '{file.FullName}'";
            if (!file.Exists) return $"{source} does not exist.";
            if (file.Length > MaxPassphraseInputBytes) return $"{source} is {file.Length} bytes; a passphrase is at most {MaxPassphraseInputBytes}.";
            raw = File.ReadAllBytes(file.FullName);
        }
        else
        {
            source = "standard input";
            if (StandardInputOverride is null && !Console.IsInputRedirected)
            {
                Console.Error.Write("Passphrase (not echoed): ");
                raw = ReadFromTerminal();
                Console.Error.WriteLine();
            }
            else
            {
                using var input = StandardInputOverride?.Invoke() ?? Console.OpenStandardInput();
                raw = ReadAtMost(input, MaxPassphraseInputBytes + 1);
                if (raw.Length > MaxPassphraseInputBytes)
                {
                    CryptographicOperations.ZeroMemory(raw);
                    return $"{source} holds more than {MaxPassphraseInputBytes} bytes; a passphrase is shorter.";
                }
            }
        }
        var length = raw.Length;
        // An editor's or echo's trailing newline is not part of the passphrase.
        if (length > 0 && raw[length - 1] == (byte)'\n') length--;
        if (length > 0 && raw[length - 1] == (byte)'\r') length--;
        var bytes = raw.AsSpan(0, length).ToArray();
        CryptographicOperations.ZeroMemory(raw);
        if (!PassphrasePolicy.IsPrintableAscii(bytes, out var bad))
        {
            CryptographicOperations.ZeroMemory(bytes);
            return bad < 0
                ? $"{source} holds no passphrase (it is empty)."
                : $"{source}: byte {bad + 1} of the passphrase is not printable ASCII (0x20-0x7E). The CA checks a non-ASCII passphrase against the wrong number of bytes, so it could never be used.";
        }
        passphrase = bytes;
        return null;
    }

    private static byte[] ReadAtMost(Stream input, int limit)
    {
        var buffer = new byte[limit];
        var total = 0;
        int read;
        while (total < limit && (read = input.Read(buffer, total, limit - total)) > 0) total += read;
        if (total == limit) return buffer;
        var result = buffer.AsSpan(0, total).ToArray();
        CryptographicOperations.ZeroMemory(buffer);
        return result;
    }

    private static byte[] ReadFromTerminal()
    {
        var buffer = new byte[MaxPassphraseInputBytes];
        var length = 0;
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (length > 0) buffer[--length] = 0; continue; }
            if (length == buffer.Length) break;
            // Anything outside printable ASCII is marked so that the check below refuses it.
            buffer[length++] = key.KeyChar is >= ' ' and <= '~' ? (byte)key.KeyChar : (byte)0x80;
        }
        var result = buffer.AsSpan(0, length).ToArray();
        CryptographicOperations.ZeroMemory(buffer);
        return result;
    }

    private static void ShowOnce(byte[] passphrase)
    {
        // Standard error, so that the token on standard output can be piped or redirected while
        // the operator reads the passphrase on the terminal and hands it to its owner.
        Console.Error.WriteLine("Generated passphrase (shown only now; hand it to its owner out of band):");
        Console.Error.WriteLine("  " + Encoding.ASCII.GetString(passphrase));
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"shrtok token: {message}");
        return Cli.ExitUsage;
    }
}
