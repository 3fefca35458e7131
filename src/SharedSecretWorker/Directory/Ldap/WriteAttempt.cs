namespace SharedSecretWorker.Directory.Ldap;

/// <summary>One optimistic read-modify attempt: done with a result, or raced by another writer (with the result code that showed it).</summary>
internal readonly record struct WriteAttempt(DirectoryWrite? Result, int ConflictCode)
{
    public static WriteAttempt Done(DirectoryWrite result) => new(result, 0);

    public static WriteAttempt Raced(int code) => new(null, code);
}
