using System.CommandLine;
using SharedSecretWorker.Contracts.Tokens;

namespace ShrTok.Commands;

/// <summary>
/// <c>shrtok decrypt --key FILE [--oaep] (TOKEN | @FILE)</c>: prints the passphrase of a token, for
/// operators checking a token with the issuance protection private key (as the CA would decrypt it).
/// </summary>
internal static class DecryptCommand
{
    public static Command Create()
    {
        var key = new Option<FileInfo>("--key") { Description = "Issuance protection private key: PEM or DER, PKCS#8 or PKCS#1 (unencrypted).", Required = true };
        var oaep = new Option<bool>("--oaep") { Description = "The session key is wrapped with RSA-OAEP SHA-256 (the CA's keyWrap.useOAEP=true). Default: PKCS#1 v1.5." };
        // One or more values: System.CommandLine expands @FILE as a response file, one value per
        // line, so a MIME token file (76-column lines) arrives as several values; joined, they are the
        // token again. Without response-file expansion, @FILE is read here instead.
        var token = new Argument<string[]>("TOKEN") { Description = "The token (single-line or MIME base64, or base64url), @FILE to read it from a file, or - for standard input.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("decrypt", "Decrypt a CMC shared token with the issuance protection private key and print its passphrase.");
        command.Options.Add(key);
        command.Options.Add(oaep);
        command.Arguments.Add(token);
        command.SetAction(parse => Run(parse.GetValue(key)!, parse.GetValue(oaep), string.Join('\n', parse.GetValue(token)!)));
        return command;
    }

    private static int Run(FileInfo keyFile, bool oaep, string tokenArgument)
    {
        string text;
        try
        {
            text = ReadToken(tokenArgument);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Usage($"cannot read the token: {e.Message}");
        }
        SharedTokenDecryptor decryptor;
        try
        {
            decryptor = SharedTokenDecryptor.FromKeyFile(keyFile.FullName, oaep ? KeyWrap.Oaep : KeyWrap.Pkcs1);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return Usage(e.Message);
        }
        using (decryptor)
        {
            try
            {
                // Decrypt is UTF-8 as the CA reads it: a token made elsewhere may hold any passphrase.
                Console.Out.WriteLine(decryptor.DecryptToString(text));
                return Cli.ExitOk;
            }
            catch (SharedTokenFormatException e)
            {
                return Failed($"damaged token ({e.Error}): {e.Message}");
            }
            catch (SharedTokenDecryptionException e)
            {
                var kind = e.Error switch
                {
                    SharedTokenDecryptionError.WrongKey or SharedTokenDecryptionError.KeySizeMismatch or SharedTokenDecryptionError.BadSessionKey => "wrong key",
                    SharedTokenDecryptionError.WrongKeyWrap => "wrong key wrap",
                    _ => "damaged token",
                };
                return Failed($"{kind} ({e.Error}): {e.Message}");
            }
        }
    }

    private static string ReadToken(string argument)
    {
        if (argument == "-") return Console.In.ReadToEnd();
        if (argument.StartsWith('@'))
        {
            var path = argument[1..];
            if (!File.Exists(path)) throw new IOException($"the token file '{path}' does not exist.");
            return File.ReadAllText(path);
        }
        return argument;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"shrtok decrypt: {message}");
        return Cli.ExitUsage;
    }

    private static int Failed(string message)
    {
        Console.Error.WriteLine($"shrtok decrypt: {message}");
        return Cli.ExitFailed;
    }
}
