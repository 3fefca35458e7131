namespace ShrTok.Auditing;

/// <summary>A CADF attachment: a named value of the record that CADF has no field for (request id, token digest, ...).</summary>
/// <param name="Name">The value's name (camelCase, as in the result it comes from).</param>
/// <param name="TypeUri">Its type (<c>xs:string</c>, <c>xs:int</c>).</param>
/// <param name="Content">The value.</param>
internal sealed record AuditAttachment(string Name, string TypeUri, string Content);
