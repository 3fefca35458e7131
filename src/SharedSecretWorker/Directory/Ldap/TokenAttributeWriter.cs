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
        _raceWindow.Enter(entry.DistinguishedName);
        return LdapOperations.Modify(connection, request, missing, operation, token,
            LdapResultCodes.AttributeOrValueExists, LdapResultCodes.ObjectClassViolation);
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
