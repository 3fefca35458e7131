using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SharedSecretWorker.Contracts.Sealing;

namespace ShrTok.Commands;

/// <summary>
/// <c>shrtok open-notice --key FILE --cert FILE (NOTICE.json | -)</c>: prints the passphrase sealed in
/// a delivery notice (docs/cli.md), as the channel's hand-off service would open it.
/// Exit 0 when opened, 1 when the key cannot open it, 2 for bad usage or input.
/// </summary>
internal static class OpenNoticeCommand
{
    private const string Name = "open-notice";

    /// <summary>The notice member that holds the sealed passphrase (docs/messages.md, "Delivery notices").</summary>
    private const string SealedPassphraseMember = "sealedPassphrase";

    /// <summary>A notice is well under a kilobyte; a file this large is not one.</summary>
    private const int MaxNoticeBytes = 1024 * 1024;

    public static Command Create()
    {
        var key = new Option<FileInfo>("--key") { Description = "The channel's private key: unencrypted PEM, PKCS#8 or PKCS#1 RSA.", Required = true };
        var cert = new Option<FileInfo>("--cert") { Description = "The channel's certificate (PEM or DER), the one configured as Delivery:Channels:<name>:CertificateFile.", Required = true };
        var notice = new Argument<string>("NOTICE") { Description = "The delivery notice (JSON file), or - to read it from standard input." };
        var command = new Command(Name, "Open the sealed passphrase of a delivery notice with the channel's key and print it.");
        command.Options.Add(key);
        command.Options.Add(cert);
        command.Arguments.Add(notice);
        command.SetAction(parse => Run(parse.GetValue(key)!, parse.GetValue(cert)!, parse.GetValue(notice)!));
        return command;
    }

    private static int Run(FileInfo keyFile, FileInfo certificateFile, string noticeArgument)
    {
        string sealedPassphrase;
        try
        {
            sealedPassphrase = ReadSealedPassphrase(noticeArgument);
        }
        catch (InvalidDataException e)
        {
            return Usage(e.Message);
        }
        PassphraseUnsealer unsealer;
        try
        {
            unsealer = PassphraseUnsealer.Load(keyFile.FullName, certificateFile.FullName);
        }
        catch (InvalidOperationException e)
        {
            return Usage(e.Message);
        }
        using (unsealer)
        {
            byte[] passphrase;
            try
            {
                passphrase = unsealer.UnsealBase64(sealedPassphrase);
            }
            catch (UnsealException e) when (e.Failure == UnsealFailure.Malformed)
            {
                return Usage($"the notice's {SealedPassphraseMember} is damaged: {e.Message}");
            }
            catch (UnsealException e)
            {
                Console.Error.WriteLine($"shrtok {Name}: wrong key: {e.Message}");
                return Cli.ExitFailed;
            }
            try
            {
                // Printing the passphrase is this command's purpose; it goes to standard output only.
                Console.Out.WriteLine(Encoding.UTF8.GetString(passphrase));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(passphrase);
            }
            return Cli.ExitOk;
        }
    }

    /// <exception cref="InvalidDataException">The notice cannot be read, is not JSON, or has no sealed passphrase.</exception>
    private static string ReadSealedPassphrase(string argument)
    {
        var source = argument == "-" ? "standard input" : $"'{argument}'";
        byte[] json;
        try
        {
            json = argument == "-" ? Encoding.UTF8.GetBytes(Console.In.ReadToEnd()) : ReadFile(argument);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read the notice {source}: {e.Message}", e);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the notice {source} is not JSON ({e.Message})", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"the notice {source} is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not a delivery notice object.");
            if (!root.TryGetProperty(SealedPassphraseMember, out var member))
                throw new InvalidDataException($"the JSON in {source} has no {SealedPassphraseMember}: it is not a delivery notice (a result message has none).");
            if (member.ValueKind != JsonValueKind.String || member.GetString() is not { Length: > 0 } value)
                throw new InvalidDataException($"the notice's {SealedPassphraseMember} in {source} is not a non-empty base64 string.");
            return value;
        }
    }

    private static byte[] ReadFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new IOException($"the file does not exist.");
        if (info.Length > MaxNoticeBytes) throw new IOException($"the file is {info.Length} bytes; a notice is far smaller.");
        return File.ReadAllBytes(path);
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"shrtok {Name}: {message}");
        return Cli.ExitUsage;
    }
}
