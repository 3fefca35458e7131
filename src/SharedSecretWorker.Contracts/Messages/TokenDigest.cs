using System.Security.Cryptography;
using System.Text;

namespace SharedSecretWorker.Contracts.Messages;

/// <summary>
/// The <c>tokenSha256</c> of results and notices: lower-case hex SHA-256 of the token text as
/// stored in the directory (single-line base64, ASCII). A requester or auditor can compare it with
/// the directory's value without the token itself travelling on the bus.
/// </summary>
public static class TokenDigest
{
    /// <summary>Hex SHA-256 of <paramref name="tokenText"/>'s UTF-8 (here: ASCII) bytes.</summary>
    public static string Sha256Hex(string tokenText)
    {
        ArgumentNullException.ThrowIfNull(tokenText);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tokenText)));
    }
}
