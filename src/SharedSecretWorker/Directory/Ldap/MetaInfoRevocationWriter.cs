using System.DirectoryServices.Protocols;
using Microsoft.Extensions.Logging;

namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// Revocation tokens as the CA's code reads them: exactly one metaInfo value
/// <c>revShrTok:&lt;token&gt;</c> on the certificate record, every other value untouched
/// (docs/cmc-shared-token.md, "Revocation").
///
/// A write is one modify that deletes the exact revShrTok values just read and adds the new one:
/// never a bare add of a second value, never a replace of the whole attribute. Optimistic
/// concurrency keeps racing writers at exactly one value:
/// 1. Old values exist: deleting a value that is no longer there fails the whole modify with
///    noSuchAttribute (16): another writer changed the record, so re-read and retry.
/// 2. No old value: there is nothing to delete, so two first writers can both add. A condition
///    on the modify would close that gap (the RFC 4528 Assertion control), but 389 DS 2.3 does
///    not support it (unavailableCriticalExtension). Instead every modify carries the Post-Read
///    control (RFC 4527): the server returns metaInfo as it is right after this modify,
///    atomically with it. Other revShrTok values there were added by modifies that came before
///    ours, so ours is the latest and we delete exactly those values
///    (<see cref="RemoveSuperseded"/>).
/// Why this converges: of two values present together, only the writer whose modify came later
/// sees the other in its post-read, so deletions never go both ways; the value of the last
/// modify is deleted by no one but a later writer; and a writer that sees a duplicate removes it
/// before returning. Other metaInfo values (requestId, profileId, anything another party adds
/// meanwhile) are never named in a delete, so none is lost.
/// </summary>
internal sealed class MetaInfoRevocationWriter
{
    private const string MetaInfo = RevocationTokenValues.MetaInfoAttribute;

    private readonly int _maxRetries;
    private readonly RaceWindow _raceWindow;
    private readonly ILogger _logger;

    public MetaInfoRevocationWriter(DirectoryOptions options, RaceWindow raceWindow, ILogger logger)
    {
        _maxRetries = options.MaxConcurrencyRetries;
        _raceWindow = raceWindow;
        _logger = logger;
    }

    /// <summary>
    /// Writes <paramref name="token"/> and its metadata line (<c>revShrTokInfo:</c>, <paramref name="metadata"/>):
    /// one modify deletes the exact revShrTok and revShrTokInfo values read and adds the two new ones.
    /// The line is handled like the token (the same deletes of exactly what was read, the same
    /// post-read clean-up of racing writers' values), so it always stands beside its own token.
    /// </summary>
    public WriteAttempt Replace(LdapConnection connection, string dn, string token, TokenMetadata metadata, string operation)
    {
        var record = EntryLookup.ReadRecord(connection, dn, MetaInfo);
        dn = record.DistinguishedName;
        var old = RevocationTokenValues.Select(record);
        var oldInfo = RevocationTokenValues.SelectInfo(record);
        var mine = RevocationTokenValues.Encode(token);
        var info = metadata.Format();
        var mineInfo = RevocationTokenValues.EncodeInfo(info);
        var request = new ModifyRequest(dn);
        if (old.Count + oldInfo.Count > 0)
            request.Modifications.Add(LdapValues.Modification(MetaInfo, DirectoryAttributeOperation.Delete, [.. old, .. oldInfo]));
        request.Modifications.Add(LdapValues.Modification(MetaInfo, DirectoryAttributeOperation.Add, mine, mineInfo));
        request.Controls.Add(ReadEntryControl.PostRead(MetaInfo));
        _raceWindow.Enter(dn);
        DirectoryResponse response;
        try
        {
            response = connection.SendRequest(request, connection.Timeout);
        }
        catch (DirectoryOperationException e) when (LdapFailures.ResultCode(e) is LdapResultCodes.NoSuchAttribute or LdapResultCodes.AttributeOrValueExists)
        {
            return WriteAttempt.Raced(LdapFailures.ResultCode(e)!.Value);
        }
        catch (DirectoryOperationException e)
        {
            throw LdapFailures.Classify(e, operation, dn, DirectoryFailure.UnknownSerial, token);
        }
        var after = ReadEntryControl.PostReadValues(response, MetaInfo)
            ?? throw new DirectoryException(DirectoryFailure.Misconfigured,
                $"{operation} on '{dn}': the server accepted the critical Post-Read control ({ReadEntryControl.PostReadOid}) but returned no entry.", dn);
        var superseded = RevocationTokenValues.Select(after).Where(v => !RevocationTokenValues.Same(v, mine))
            .Concat(RevocationTokenValues.SelectInfo(after).Where(v => !RevocationTokenValues.Same(v, mineInfo))).ToList();
        if (superseded.Count > 0)
            RemoveSuperseded(connection, dn, mine, superseded, operation);
        // The values deleted were exactly those present (the delete would have failed otherwise): the
        // one the CA read before is the token this write replaced.
        var replaced = RevocationTokenValues.TokenOf(old);
        return WriteAttempt.Done(new DirectoryWrite(dn, Changed: true, Attempts: 1)
        {
            Replaced = replaced,
            Info = info,
            ReplacedInfo = RevocationTokenValues.InfoFor(replaced, oldInfo),
        });
    }

    /// <summary>
    /// Deletes exactly our value and adds <paramref name="previous"/> back in one modify; if our value
    /// is gone (a newer write), the delete fails with noSuchAttribute and nothing changes.
    /// </summary>
    /// <remarks>
    /// The metadata line written with the token is deleted in the same modify, and the replaced
    /// token's line added back with it, so the line always belongs to the token beside it.
    /// </remarks>
    public static WriteAttempt Restore(LdapConnection connection, DirectoryWrite written, string token, string operation)
    {
        var dn = written.Dn;
        var previous = written.Replaced;
        var request = new ModifyRequest(dn);
        request.Modifications.Add(LdapValues.Modification(MetaInfo, DirectoryAttributeOperation.Delete,
            written.Info is null ? [RevocationTokenValues.Encode(token)] : [RevocationTokenValues.Encode(token), RevocationTokenValues.EncodeInfo(written.Info)]));
        var back = new List<byte[]>();
        if (previous is not null) back.Add(RevocationTokenValues.Encode(previous));
        if (written.Info is not null && written.ReplacedInfo is not null) back.Add(RevocationTokenValues.EncodeInfo(written.ReplacedInfo));
        if (back.Count > 0)
            request.Modifications.Add(LdapValues.Modification(MetaInfo, DirectoryAttributeOperation.Add, [.. back]));
        var outcome = LdapOperations.Modify(connection, request, DirectoryFailure.UnknownSerial, operation, token, LdapResultCodes.NoSuchAttribute);
        return outcome.Result is null ? WriteAttempt.Done(new DirectoryWrite(dn, Changed: false, Attempts: 1)) : outcome;
    }

    /// <summary>
    /// Deletes revShrTok values that racing writers added before our modify (seen in our
    /// post-read). Only those exact values are ever deleted, never one seen later: a later value
    /// belongs to a writer that came after us and wins. If a delete finds a value gone
    /// (noSuchAttribute), re-read: once our own value is gone, a later writer superseded us and
    /// cleans up itself; otherwise retry with the values still present.
    /// </summary>
    private void RemoveSuperseded(LdapConnection connection, string dn, byte[] mine, List<byte[]> superseded, string operation)
    {
        for (var attempt = 0; attempt <= _maxRetries; attempt++)
        {
            var request = new ModifyRequest(dn);
            request.Modifications.Add(LdapValues.Modification(MetaInfo, DirectoryAttributeOperation.Delete, [.. superseded]));
            if (LdapOperations.Modify(connection, request, DirectoryFailure.UnknownSerial, operation, null, LdapResultCodes.NoSuchAttribute).Result is not null)
            {
                DirectoryLog.RacingValuesRemoved(_logger, operation, superseded.Count);
                return;
            }
            var record = EntryLookup.ReadRecord(connection, dn, MetaInfo);
            var now = RevocationTokenValues.Select(record).Concat(RevocationTokenValues.SelectInfo(record)).ToList();
            if (!now.Any(v => RevocationTokenValues.Same(v, mine))) return;
            superseded = superseded.Where(s => now.Any(v => RevocationTokenValues.Same(v, s))).ToList();
            if (superseded.Count == 0) return;
        }
        throw new DirectoryException(DirectoryFailure.Conflict,
            $"{operation} on '{dn}' failed: other writers kept changing the record while duplicate {RevocationTokenValues.Key} values were being removed "
            + $"({DirectoryOptions.SectionName}:MaxConcurrencyRetries is {_maxRetries}); LDAP result 16 (NoSuchAttribute).",
            dn, LdapResultCodes.NoSuchAttribute);
    }

    /// <summary>
    /// Deletes the exact revShrTok and revShrTokInfo values read; if they changed meanwhile, the caller
    /// re-reads and retries. Changed only when a token was among them.
    /// </summary>
    public static WriteAttempt Remove(LdapConnection connection, string dn, string operation)
    {
        var record = EntryLookup.ReadRecord(connection, dn, MetaInfo);
        var old = RevocationTokenValues.Select(record);
        var oldInfo = RevocationTokenValues.SelectInfo(record);
        if (old.Count + oldInfo.Count == 0)
            return WriteAttempt.Done(new DirectoryWrite(record.DistinguishedName, Changed: false, Attempts: 1));
        var request = new ModifyRequest(record.DistinguishedName);
        request.Modifications.Add(LdapValues.Modification(MetaInfo, DirectoryAttributeOperation.Delete, [.. old, .. oldInfo]));
        var outcome = LdapOperations.Modify(connection, request, DirectoryFailure.UnknownSerial, operation, null, LdapResultCodes.NoSuchAttribute);
        return outcome.Result is { } done ? WriteAttempt.Done(done with { Changed = old.Count > 0 }) : outcome;
    }

    /// <summary>The token as the CA would read it.</summary>
    public static DirectoryRead Read(LdapConnection connection, string dn)
        => RevocationTokenValues.ReadAsTheCaDoes(EntryLookup.ReadRecord(connection, dn, MetaInfo));
}
