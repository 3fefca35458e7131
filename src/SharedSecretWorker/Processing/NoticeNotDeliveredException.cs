namespace SharedSecretWorker.Processing;

/// <summary>
/// Thrown inside an attempt when its token was written but the notice carrying the passphrase was not
/// delivered; the attempt turns it into a transient outcome that says so (<see cref="JobOutcome.UndeliveredNotice"/>).
/// </summary>
/// <param name="code">The error code: <c>notice-unroutable</c> when the broker returned the notice, else <c>broker-unavailable</c>.</param>
/// <param name="notice">The token written.</param>
/// <param name="inner">The publisher's failure.</param>
internal sealed class NoticeNotDeliveredException(string code, UndeliveredNotice notice, BrokerUnavailableException inner)
    : Exception(inner.Message, inner)
{
    /// <summary>The error code of the failed attempt.</summary>
    public string Code { get; } = code;

    /// <summary>The token written whose notice did not go out.</summary>
    public UndeliveredNotice Notice { get; } = notice;
}
