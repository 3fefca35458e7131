using System.DirectoryServices.Protocols;
using System.Text;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// The revocation token as a metaInfo value of a certificate record: <c>revShrTok:&lt;token&gt;</c>
/// (docs/cmc-shared-token.md, "Revocation: where the CA looks").
/// </summary>
internal static class RevocationTokenValues
{
    public const string MetaInfoAttribute = "metaInfo";

    /// <summary>The metaInfo key the CA reads the revocation token from.</summary>
    public const string Key = "revShrTok";

    /// <summary>metaInfo values are <c>key:value</c>; the CA splits at the first colon.</summary>
    public const char Separator = ':';

    public const string Prefix = "revShrTok:";

    /// <summary>The metaInfo value holding the token's metadata line (<see cref="TokenMetadata"/>); the CA never reads this key.</summary>
    public const string InfoPrefix = TokenMetadata.RevocationMetaInfoKey + ":";

    private static readonly byte[] PrefixBytes = Encoding.UTF8.GetBytes(Prefix);

    private static readonly byte[] InfoPrefixBytes = Encoding.UTF8.GetBytes(InfoPrefix);

    /// <summary>The metaInfo values that are token metadata lines (<c>revShrTokInfo:…</c>), the key compared as the server does.</summary>
    public static List<byte[]> SelectInfo(IEnumerable<byte[]> metaInfo)
        => metaInfo.Where(v => v.Length >= InfoPrefixBytes.Length && Ascii.EqualsIgnoreCase(v.AsSpan(0, InfoPrefixBytes.Length), InfoPrefixBytes)).ToList();

    public static List<byte[]> SelectInfo(SearchResultEntry record) => SelectInfo(LdapValues.Of(record, MetaInfoAttribute));

    /// <summary>The line of a <c>revShrTokInfo:</c> value.</summary>
    public static string InfoLineOf(byte[] value) => Encoding.UTF8.GetString(value)[InfoPrefix.Length..];

    public static byte[] EncodeInfo(string line) => Encoding.UTF8.GetBytes(InfoPrefix + line);

    /// <summary>
    /// Of the metadata values, the one that belongs to <paramref name="token"/> (its sha256 matches), else
    /// the last one, else null: what an undo puts back beside the replaced token.
    /// </summary>
    public static string? InfoFor(string? token, IReadOnlyList<byte[]> infoValues)
    {
        if (infoValues.Count == 0) return null;
        if (token is not null)
        {
            var digest = Contracts.Messages.TokenDigest.Sha256Hex(token);
            foreach (var value in infoValues)
            {
                var line = InfoLineOf(value);
                if (TokenMetadata.Parse(line)?.TokenSha256 == digest) return line;
            }
        }
        return InfoLineOf(infoValues[^1]);
    }

    public static byte[] Encode(string token) => Encoding.UTF8.GetBytes(Prefix + token);

    /// <summary>
    /// The metaInfo values that are revocation tokens. The key is compared as 389 DS compares
    /// metaInfo values (ignoring case: Directory String with no matching rule declared, so the
    /// syntax's case-ignoring match), so that what is deleted is what the server would match.
    /// </summary>
    public static List<byte[]> Select(IEnumerable<byte[]> metaInfo)
        => metaInfo.Where(v => v.Length >= PrefixBytes.Length && Ascii.EqualsIgnoreCase(v.AsSpan(0, PrefixBytes.Length), PrefixBytes)).ToList();

    public static List<byte[]> Select(SearchResultEntry record) => Select(LdapValues.Of(record, MetaInfoAttribute));

    /// <summary>The token the CA reads among revShrTok values (the last one parsed wins), or null when there is none.</summary>
    public static string? TokenOf(IReadOnlyList<byte[]> values) =>
        values.Count == 0 ? null : Encoding.UTF8.GetString(values[^1])[Prefix.Length..];

    /// <summary>Value equality as the server applies it to metaInfo (case-ignoring; tokens are ASCII).</summary>
    public static bool Same(byte[] a, byte[] b) => Ascii.EqualsIgnoreCase(a, b);

    /// <summary>
    /// As the CA's metaInfo parsing does: split each value at its first colon, keep the key
    /// <c>revShrTok</c> (exact, as a Java map key), and when it repeats, the last value parsed wins.
    /// </summary>
    public static DirectoryRead ReadAsTheCaDoes(SearchResultEntry record)
    {
        string? token = null;
        var count = 0;
        foreach (var value in LdapValues.Strings(record, MetaInfoAttribute))
        {
            var colon = value.IndexOf(Separator, StringComparison.Ordinal);
            if (colon < 0 || !value.AsSpan(0, colon).SequenceEqual(Key)) continue;
            token = value[(colon + 1)..];
            count++;
        }
        return new DirectoryRead(record.DistinguishedName, token, count);
    }
}
