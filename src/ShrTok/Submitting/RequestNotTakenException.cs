namespace ShrTok.Submitting;

/// <summary>
/// The broker certainly did not take the request: it returned it as unroutable, nacked it, or closed
/// the channel with an error before taking it. Sending it again cannot make a second token.
/// </summary>
internal sealed class RequestNotTakenException(string message, Exception inner) : InvalidOperationException(message, inner);
