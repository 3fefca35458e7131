using System.DirectoryServices.Protocols;
using System.Text;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// The single-valued token attribute (<c>shrTok</c>): on a user's entry for enrollment, and on
/// the certificate record in the documentation's revocation variant.
/// </summary>
internal sealed class TokenAttributeWriter
{
    private const string ExtensibleObjectClass = "extensibleObject";

    private readonly string _attribute;
    private readonly RaceWindow _raceWindow;

    public TokenAttributeWriter(string attribute, RaceWindow raceWindow)
    {
        _attribute = attribute;
        _raceWindow = raceWindow;
    }

    public string Attribute => _attribute;

    /// <summary>
    /// One modify that adds <c>objectClass: extensibleObject</c> only if the entry lacks it
    /// (shrTok is in no standard object class) and replaces the token attribute. Replace makes the
    /// last writer win, which is the contract's invariant ("the last notice decrypts the stored
    /// token"). If another writer added extensibleObject between our read and our modify, our add
    /// fails with attributeOrValueExists (or objectClassViolation if someone removed it): re-read and retry.
    /// With <paramref name="metadata"/>, the same modify replaces <c>shrTokInfo</c> and <c>shrTokNotAfter</c>
    /// too (a token that never expires gets no <c>shrTokNotAfter</c>: a replace with no value, which
    /// also succeeds when there was none), so the line beside a token is always its own.
    /// </summary>
    /// <param name="entry">The entry as just read, with its objectClass values.</param>
    public WriteAttempt Replace(LdapConnection connection, SearchResultEntry entry, string token, TokenMetadata? metadata, DirectoryFailure missing, string operation)
    {
        var request = new ModifyRequest(entry.DistinguishedName);
        if (!LdapValues.HasObjectClass(entry, ExtensibleObjectClass))
            request.Modifications.Add(LdapValues.Modification(LdapValues.ObjectClassAttribute, DirectoryAttributeOperation.Add, Encoding.ASCII.GetBytes(ExtensibleObjectClass)));
        // shrTok has Octet String syntax: the value is the token's ASCII bytes.
        request.Modifications.Add(LdapValues.Modification(_attribute, DirectoryAttributeOperation.Replace, Encoding.ASCII.GetBytes(token)));
        var info = metadata?.Format();
        if (metadata is not null)
        {
            request.Modifications.Add(LdapValues.Modification(TokenMetadata.EnrollmentAttribute, DirectoryAttributeOperation.Replace, Encoding.UTF8.GetBytes(info!)));
            request.Modifications.Add(metadata.NotAfter is { } notAfter
                ? LdapValues.Modification(TokenMetadata.EnrollmentNotAfterAttribute, DirectoryAttributeOperation.Replace, Encoding.ASCII.GetBytes(TokenMetadata.FormatTime(notAfter)))
                : LdapValues.Modification(TokenMetadata.EnrollmentNotAfterAttribute, DirectoryAttributeOperation.Replace));
        }
        // The values replaced, atomically with the replace, in case this write must be undone.
        request.Controls.Add(metadata is null
            ? ReadEntryControl.PreRead(_attribute)
            : ReadEntryControl.PreRead(_attribute, TokenMetadata.EnrollmentAttribute, TokenMetadata.EnrollmentNotAfterAttribute));
        _raceWindow.Enter(entry.DistinguishedName);
        DirectoryResponse response;
        try
        {
            response = connection.SendRequest(request, connection.Timeout);
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) is LdapResultCodes.AttributeOrValueExists or LdapResultCodes.ObjectClassViolation)
        {
            return WriteAttempt.Raced(LdapFailures.ResultCode(e)!.Value);
        }
        catch (DirectoryOperationException e)
        {
            throw LdapFailures.Classify(e, operation, entry.DistinguishedName, missing, token);
        }
        var before = ReadEntryControl.PreReadValues(response, _attribute);
        return WriteAttempt.Done(new DirectoryWrite(entry.DistinguishedName, Changed: true, Attempts: 1)
        {
            Replaced = before is [var previous, ..] ? Encoding.ASCII.GetString(previous) : null,
            Info = info,
            ReplacedInfo = metadata is null ? null : FirstString(ReadEntryControl.PreReadValues(response, TokenMetadata.EnrollmentAttribute)),
            ReplacedNotAfter = metadata is null ? null : FirstString(ReadEntryControl.PreReadValues(response, TokenMetadata.EnrollmentNotAfterAttribute)),
        });
    }

    private static string? FirstString(List<byte[]>? values) => values is [var first, ..] ? Encoding.UTF8.GetString(first) : null;

    /// <summary>
    /// Deletes exactly <paramref name="written"/>'s token and adds the one it replaced back, in one modify:
    /// if the entry no longer holds that token (a newer write), the delete fails with noSuchAttribute
    /// and nothing changes. When the write kept metadata, the same modify puts back the replaced
    /// <c>shrTokInfo</c> and <c>shrTokNotAfter</c> (or removes them when the replaced token had none).
    /// </summary>
    public WriteAttempt Restore(LdapConnection connection, DirectoryWrite written, string token, DirectoryFailure missing, string operation)
    {
        var dn = written.Dn;
        var previous = written.Replaced;
        var request = new ModifyRequest(dn);
        request.Modifications.Add(LdapValues.Modification(_attribute, DirectoryAttributeOperation.Delete, Encoding.ASCII.GetBytes(token)));
        if (previous is not null)
            request.Modifications.Add(LdapValues.Modification(_attribute, DirectoryAttributeOperation.Add, Encoding.ASCII.GetBytes(previous)));
        if (written.Info is not null)
        {
            // Replace, not delete-and-add: the exact-value delete of the token above already makes the
            // whole modify conditional on the token (and so its line) still being ours.
            request.Modifications.Add(ReplaceWith(TokenMetadata.EnrollmentAttribute, written.ReplacedInfo));
            request.Modifications.Add(ReplaceWith(TokenMetadata.EnrollmentNotAfterAttribute, written.ReplacedNotAfter));
        }
        var outcome = LdapOperations.Modify(connection, request, missing, operation, token, LdapResultCodes.NoSuchAttribute);
        // Not ours any more: a newer token stands, which is what the CA should read.
        return outcome.Result is null ? WriteAttempt.Done(new DirectoryWrite(dn, Changed: false, Attempts: 1)) : outcome;
    }

    private static DirectoryAttributeModification ReplaceWith(string attribute, string? value) => value is null
        ? LdapValues.Modification(attribute, DirectoryAttributeOperation.Replace)
        : LdapValues.Modification(attribute, DirectoryAttributeOperation.Replace, Encoding.UTF8.GetBytes(value));

    /// <summary>
    /// Deletes the whole attribute (and, <paramref name="withMetadata"/>, the token's <c>shrTokInfo</c> and
    /// <c>shrTokNotAfter</c>: replaces with no value, which succeed whether or not they are there);
    /// "already absent" (noSuchAttribute) is success: the outcome asked for.
    /// </summary>
    /// <param name="entry">The entry as just read, with the token attribute (and the metadata attributes).</param>
    public WriteAttempt Remove(LdapConnection connection, SearchResultEntry entry, bool withMetadata, DirectoryFailure missing, string operation)
    {
        var dn = entry.DistinguishedName;
        var hasToken = LdapValues.Of(entry, _attribute).Count > 0;
        var hasMetadata = withMetadata && (LdapValues.Of(entry, TokenMetadata.EnrollmentAttribute).Count > 0
            || LdapValues.Of(entry, TokenMetadata.EnrollmentNotAfterAttribute).Count > 0);
        if (!hasToken && !hasMetadata)
            return WriteAttempt.Done(new DirectoryWrite(dn, Changed: false, Attempts: 1));
        var request = new ModifyRequest(dn);
        if (hasToken) request.Modifications.Add(LdapValues.Modification(_attribute, DirectoryAttributeOperation.Delete));
        if (withMetadata)
        {
            request.Modifications.Add(LdapValues.Modification(TokenMetadata.EnrollmentAttribute, DirectoryAttributeOperation.Replace));
            request.Modifications.Add(LdapValues.Modification(TokenMetadata.EnrollmentNotAfterAttribute, DirectoryAttributeOperation.Replace));
        }
        var outcome = LdapOperations.Modify(connection, request, missing, operation, null, LdapResultCodes.NoSuchAttribute);
        // Raced: another clear got there first.
        if (outcome.Result is null) return WriteAttempt.Done(new DirectoryWrite(dn, Changed: false, Attempts: 1));
        return WriteAttempt.Done(new DirectoryWrite(dn, Changed: hasToken, Attempts: 1));
    }

    /// <summary>The CA reads the Octet String's bytes as text (tokens are ASCII); the attribute is single-valued.</summary>
    public DirectoryRead Read(SearchResultEntry entry)
    {
        var values = LdapValues.Of(entry, _attribute);
        var token = values.Count == 0 ? null : Encoding.ASCII.GetString(values[0]);
        return new DirectoryRead(entry.DistinguishedName, token, values.Count);
    }
}
