namespace SharedSecretWorker.Directory;

/// <summary>A token read back the way the CA reads it.</summary>
/// <param name="Dn">The entry or certificate record read.</param>
/// <param name="Token">The token the CA would use, or null when there is none. For metaInfo: the text after
/// <c>revShrTok:</c> of the last such value, since the CA keeps whichever it parses last.</param>
/// <param name="TokenValueCount">How many token values the entry holds (the writer keeps this at most 1).</param>
public sealed record DirectoryRead(string Dn, string? Token, int TokenValueCount);
