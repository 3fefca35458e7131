using System.Text;

namespace SharedSecretWorker.Common;

/// <summary>
/// Reads a secret (HSM PIN, bind password, broker password) from a file, the way systemd
/// credentials (<c>LoadCredential=</c>, <c>$CREDENTIALS_DIRECTORY</c>) and Docker/Kubernetes
/// secrets hand them over. Secrets never come from appsettings.json (docs/operations.md, "Configuration").
/// </summary>
public static class SecretFile
{
    /// <summary>Largest secret file accepted; a PIN or password is never this long, a wrong path might be.</summary>
    public const int MaxBytes = 4096;

    /// <summary>
    /// Returns the file's bytes without one trailing line ending (editors add one; it is never
    /// part of the secret). The caller owns the array and must clear it when done
    /// (<see cref="System.Security.Cryptography.CryptographicOperations.ZeroMemory"/>).
    /// </summary>
    /// <param name="path">File to read.</param>
    /// <param name="what">What the secret is for (for example <c>Hsm:PinFile</c>), named in errors; never the secret itself.</param>
    public static byte[] ReadBytes(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new InvalidOperationException($"{what} is not set: name a file that holds the secret.");
        path = ResolveCredentialPath(path);
        byte[] raw;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new InvalidOperationException($"{what}: the file '{path}' does not exist.");
            if (info.Length > MaxBytes)
                throw new InvalidOperationException($"{what}: the file '{path}' is {info.Length} bytes; a secret file holds at most {MaxBytes}.");
            raw = File.ReadAllBytes(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{what}: the file '{path}' cannot be read by this user.");
        }
        var length = raw.Length;
        if (length > 0 && raw[length - 1] == (byte)'\n') length--;
        if (length > 0 && raw[length - 1] == (byte)'\r') length--;
        if (length == 0)
        {
            throw new InvalidOperationException($"{what}: the file '{path}' is empty.");
        }
        if (length == raw.Length) return raw;
        var trimmed = raw.AsSpan(0, length).ToArray();
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(raw);
        return trimmed;
    }

    /// <summary>
    /// Reads the secret as a string, for APIs that take only strings (RabbitMQ.Client, LDAP bind).
    /// Strings cannot be cleared; keep their lifetime short.
    /// </summary>
    public static string ReadString(string path, string what)
    {
        var bytes = ReadBytes(path, what);
        try
        {
            return Encoding.UTF8.GetString(bytes);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>
    /// A relative path is looked up in systemd's <c>$CREDENTIALS_DIRECTORY</c> first, so the unit
    /// can say <c>LoadCredential=hsm-pin:/etc/...</c> and the configuration just <c>hsm-pin</c>.
    /// </summary>
    private static string ResolveCredentialPath(string path)
    {
        if (Path.IsPathRooted(path)) return path;
        var credentials = Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY");
        if (!string.IsNullOrEmpty(credentials))
        {
            var candidate = Path.Combine(credentials, path);
            if (File.Exists(candidate)) return candidate;
        }
        return Path.GetFullPath(path);
    }
}
