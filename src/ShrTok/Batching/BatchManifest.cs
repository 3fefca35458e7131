namespace ShrTok.Batching;

/// <summary>
/// What a batch's state folder remembers about it (<c>batch.json</c>): enough for a re-run and for
/// <c>shrtok batch-status</c> to find the input, the results queue and the request ids again.
/// </summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="Kind">enrollment or revocation.</param>
/// <param name="Input">Full path of the input file of the last run.</param>
/// <param name="InputSha256">SHA-256 of that file when it was sent.</param>
/// <param name="Rows">Data rows in it.</param>
/// <param name="Generation">0, or the number of times the batch was re-issued (<c>--reissue</c>); part of every request id.</param>
/// <param name="ResultsQueue">The server-named durable queue collecting results for this batch.</param>
/// <param name="CreatedAt">First run.</param>
/// <param name="CompletionPublished">Whether batch.completed went out for this generation.</param>
internal sealed record BatchManifest(
    string BatchId,
    string Kind,
    string Input,
    string InputSha256,
    int Rows,
    int Generation,
    string? ResultsQueue,
    DateTimeOffset CreatedAt,
    bool CompletionPublished);
