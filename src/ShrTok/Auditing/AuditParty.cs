namespace ShrTok.Auditing;

/// <summary>A CADF resource (DMTF DSP0262): the initiator, target or observer of an audit record.</summary>
/// <param name="Id">Its identity: a RabbitMQ user, a directory DN.</param>
/// <param name="TypeUri">Its CADF resource type (<c>service/security/account/user</c>, <c>data/security/credential</c>, ...).</param>
/// <param name="Name">A name for people: the uid or the certificate serial of a target.</param>
internal sealed record AuditParty(string Id, string TypeUri, string? Name = null);
