namespace ShrTok.Submitting;

/// <summary>
/// The request may or may not have reached the broker: the connection went away between the publish
/// and its confirm. Sending it again blindly could issue a second passphrase, so callers record it as
/// unknown instead.
/// </summary>
internal sealed class PublishOutcomeUnknownException(string message, Exception inner) : InvalidOperationException(message, inner);
