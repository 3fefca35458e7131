using System.DirectoryServices.Protocols;
using System.Text;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Directory;

namespace SharedSecretWorker.Tests.Integration.Infrastructure;

/// <summary>Tokens with the worker's record beside them, written as the worker writes them (one modify), for tests that list or reissue them.</summary>
internal static class TokenRecords
{
    /// <summary>Replaces <c>shrTok</c> (and, when given, <c>shrTokInfo</c> and <c>shrTokNotAfter</c>) on <paramref name="dn"/> as Directory Manager.</summary>
    public static void WriteEnrollment(LdapConnection admin, string dn, string token, TokenMetadata? metadata)
    {
        var request = new ModifyRequest(dn);
        var shrTok = new DirectoryAttributeModification { Name = "shrTok", Operation = DirectoryAttributeOperation.Replace };
        shrTok.Add(Encoding.ASCII.GetBytes(token));
        request.Modifications.Add(shrTok);
        if (metadata is not null)
        {
            request.Modifications.Add(Replace(TokenMetadata.EnrollmentAttribute, metadata.Format()));
            if (metadata.NotAfter is { } notAfter) request.Modifications.Add(Replace(TokenMetadata.EnrollmentNotAfterAttribute, TokenMetadata.FormatTime(notAfter)));
        }
        admin.SendRequest(request);
    }

    /// <summary>A record for <paramref name="token"/>, issued <paramref name="age"/> ago (whole seconds).</summary>
    public static TokenMetadata For(string token, string requestId, TimeSpan age, TimeSpan? lifetime, string? wrappedTo = null)
    {
        var issued = TokenMetadata.ToSeconds(DateTimeOffset.UtcNow - age);
        return new TokenMetadata(TokenDigest.Sha256Hex(token), issued, lifetime is { } l ? issued + l : null, requestId, "batch-" + requestId,
            wrappedTo ?? new string('9', 64));
    }

    /// <summary>Sets an attribute of an entry (a person's mail, say) as Directory Manager.</summary>
    public static void Set(LdapConnection admin, string dn, string attribute, string value) =>
        admin.SendRequest(new ModifyRequest(dn, Replace(attribute, value)));

    private static DirectoryAttributeModification Replace(string attribute, string value)
    {
        var modification = new DirectoryAttributeModification { Name = attribute, Operation = DirectoryAttributeOperation.Replace };
        modification.Add(value);
        return modification;
    }
}
