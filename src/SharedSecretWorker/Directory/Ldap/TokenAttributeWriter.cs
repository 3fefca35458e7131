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
    /// </summary>
    /// <param name="entry">The entry as just read, with its objectClass values.</param>
    public WriteAttempt Replace(LdapConnection connection, SearchResultEntry entry, string token, DirectoryFailure missing, string operation)
    {
        var request = new ModifyRequest(entry.DistinguishedName);
        if (!LdapValues.HasObjectClass(entry, ExtensibleObjectClass))
            request.Modifications.Add(LdapValues.Modification(LdapValues.ObjectClassAttribute, DirectoryAttributeOperation.Add, Encoding.ASCII.GetBytes(ExtensibleObjectClass)));
        // shrTok has Octet String syntax: the value is the token's ASCII bytes.
        request.Modifications.Add(LdapValues.Modification(_attribute, DirectoryAttributeOperation.Replace, Encoding.ASCII.GetBytes(token)));
        // The value replaced, atomically with the replace, in case this write must be undone.
        request.Controls.Add(ReadEntryControl.PreRead(_attribute));
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
        });
    }

    /// <summary>
    /// Deletes exactly <paramref name="token"/> and adds <paramref name="previous"/> back, in one modify:
    /// if the entry no longer holds <paramref name="token"/> (a newer write), the delete fails with
    /// noSuchAttribute and nothing changes.
    /// </summary>
    public WriteAttempt Restore(LdapConnection connection, string dn, string token, string? previous, DirectoryFailure missing, string operation)
    {
        var request = new ModifyRequest(dn);
        request.Modifications.Add(LdapValues.Modification(_attribute, DirectoryAttributeOperation.Delete, Encoding.ASCII.GetBytes(token)));
        if (previous is not null)
            request.Modifications.Add(LdapValues.Modification(_attribute, DirectoryAttributeOperation.Add, Encoding.ASCII.GetBytes(previous)));
        var outcome = LdapOperations.Modify(connection, request, missing, operation, token, LdapResultCodes.NoSuchAttribute);
        // Not ours any more: a newer token stands, which is what the CA should read.
        return outcome.Result is null ? WriteAttempt.Done(new DirectoryWrite(dn, Changed: false, Attempts: 1)) : outcome;
    }

    /// <summary>Deletes the whole attribute; "already absent" (noSuchAttribute) is success: the outcome asked for.</summary>
    /// <param name="entry">The entry as just read, with the token attribute.</param>
    public WriteAttempt Remove(LdapConnection connection, SearchResultEntry entry, DirectoryFailure missing, string operation)
    {
        var dn = entry.DistinguishedName;
        if (LdapValues.Of(entry, _attribute).Count == 0)
            return WriteAttempt.Done(new DirectoryWrite(dn, Changed: false, Attempts: 1));
        var outcome = LdapOperations.Modify(connection, new ModifyRequest(dn, DirectoryAttributeOperation.Delete, _attribute), missing, operation, null,
            LdapResultCodes.NoSuchAttribute);
        // Raced: another clear got there first.
        return outcome.Result is null ? WriteAttempt.Done(new DirectoryWrite(dn, Changed: false, Attempts: 1)) : outcome;
    }

    /// <summary>The CA reads the Octet String's bytes as text (tokens are ASCII); the attribute is single-valued.</summary>
    public DirectoryRead Read(SearchResultEntry entry)
    {
        var values = LdapValues.Of(entry, _attribute);
        var token = values.Count == 0 ? null : Encoding.ASCII.GetString(values[0]);
        return new DirectoryRead(entry.DistinguishedName, token, values.Count);
    }
}
