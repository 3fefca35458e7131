using System.Diagnostics.CodeAnalysis;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>The server named by <c>Directory:Url</c>.</summary>
internal sealed record LdapEndpoint(string Host, int Port, bool Ldaps)
{
    public const int DefaultLdapPort = 389;
    public const int DefaultLdapsPort = 636;

    public static bool TryParse(string? url, [NotNullWhen(true)] out LdapEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            error = "is empty: give ldap://host[:port] or ldaps://host[:port].";
            return false;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "ldap" && uri.Scheme != "ldaps"))
        {
            error = $"'{url}' is not an ldap:// or ldaps:// URL.";
            return false;
        }
        if (string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{url}' names no host.";
            return false;
        }
        if (uri.AbsolutePath.Length > 1 || uri.Query.Length > 0 || !string.IsNullOrEmpty(uri.UserInfo))
        {
            error = $"'{url}' has a path, query or user part; give only scheme, host and port (the bases and bind DN are separate keys).";
            return false;
        }
        var ldaps = uri.Scheme == "ldaps";
        var port = uri.IsDefaultPort || uri.Port < 0 ? (ldaps ? DefaultLdapsPort : DefaultLdapPort) : uri.Port;
        endpoint = new LdapEndpoint(uri.IdnHost, port, ldaps);
        error = null;
        return true;
    }

    public override string ToString() => $"{(Ldaps ? "ldaps" : "ldap")}://{Host}:{Port}";
}
