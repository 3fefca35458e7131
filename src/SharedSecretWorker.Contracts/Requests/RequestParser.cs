using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// Reads one request message body strictly (docs/messages.md). Everything a version-1 request
/// may not hold is refused with <c>invalid-request</c> and a message naming the field; a channel
/// without a recipient certificate is refused with <c>unknown-channel</c>. Thread-safe.
/// </summary>
public sealed class RequestParser
{
    /// <summary>Largest body read. A request is a few hundred bytes; more is a mistake or an attack.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The only request version this worker reads.</summary>
    public const int SupportedVersion = 1;

    /// <summary>Longest delivery address, in characters: RFC 5321's 64 + 1 + 255 for e-mail, far more than a phone number.</summary>
    public const int MaxAddressLength = 320;

    /// <summary>Longest delivery channel name: a channel name is an AMQP routing-key word and a log/metric label.</summary>
    public const int MaxChannelNameLength = 64;

    /// <summary>
    /// Longest lifetime a request may ask for, in seconds: 366 days. The worker's own maximum
    /// (<c>Token:MaxLifetime</c>) is checked later and may be lower (<c>lifetime-too-long</c>).
    /// </summary>
    public const long MaxLifetimeSeconds = 366L * 24 * 60 * 60;

    private static readonly byte[] Utf8ByteOrderMark = [0xEF, 0xBB, 0xBF];

    private readonly FrozenSet<string> _channels;
    private readonly string _channelList;
    private readonly bool _anyChannel;

    /// <summary>
    /// A parser for routing only: it accepts any delivery channel, since a producer or the worker's
    /// router needs the request's target, not whether the channel is configured.
    /// </summary>
    internal static RequestParser ForRouting { get; } = new(anyChannel: true);

    private RequestParser(bool anyChannel) : this([]) => _anyChannel = anyChannel;

    /// <summary>Creates a parser that accepts the given delivery channels (those with a recipient certificate).</summary>
    public RequestParser(IEnumerable<string> knownChannels)
    {
        ArgumentNullException.ThrowIfNull(knownChannels);
        _channels = knownChannels.ToFrozenSet(StringComparer.Ordinal);
        _channelList = _channels.Count == 0 ? "none" : string.Join(", ", _channels.Order(StringComparer.Ordinal));
    }

    /// <summary>The delivery channels requests may name.</summary>
    public IReadOnlyCollection<string> KnownChannels => _channels;

    /// <summary>
    /// The refusal of a body of <paramref name="bodyBytes"/> bytes, more than <see cref="MaxBodyBytes"/>,
    /// without reading it: a consumer can check the size before it copies the body.
    /// </summary>
    public static RequestRejection Oversized(long bodyBytes, string? amqpMessageId) =>
        new(ErrorCodes.InvalidRequest, $"The body is {bodyBytes} bytes; a request is at most {MaxBodyBytes} bytes.",
            RequestIdSyntax.IsValid(amqpMessageId) ? amqpMessageId : null, null, null);

    /// <summary>
    /// Parses <paramref name="body"/>. <paramref name="amqpMessageId"/> (the AMQP <c>message_id</c>
    /// property, or null) stands in for a missing requestId, and is reported on rejections when the
    /// body yields no valid requestId.
    /// </summary>
    public ParseResult Parse(ReadOnlyMemory<byte> body, string? amqpMessageId)
    {
        var messageId = RequestIdSyntax.IsValid(amqpMessageId) ? amqpMessageId : null;
        var span = body.Span;
        if (span.Length > MaxBodyBytes)
            return ParseResult.Failure(Oversized(span.Length, amqpMessageId));
        if (span.Trim(" \t\r\n"u8).IsEmpty)
            return Reject(null, messageId, "The body is empty; expected a JSON request object.");
        if (span.StartsWith(Utf8ByteOrderMark))
            return Reject(null, messageId, "The body starts with a UTF-8 byte order mark; send the JSON without one (RFC 8259 section 8.1).");
        var invalidAt = FirstInvalidUtf8(span);
        if (invalidAt >= 0)
            return Reject(null, messageId, $"The body is not valid UTF-8: byte {invalidAt + 1} (0x{span[invalidAt]:X2}) starts no valid sequence.");

        var raw = RequestBodyReader.Read(span);
        var known = new KnownParts(raw, messageId);
        var problem = raw.SyntaxError ?? VersionProblem(raw) ?? raw.FirstError ?? MissingVersion(raw) ?? KindProblem(raw) ?? known.RequestIdProblem
            ?? BatchIdProblem(raw) ?? ShapeProblem(raw, known.Kind!.Value) ?? ValueProblem(raw);
        if (problem is not null) return Reject(known, messageId, problem);

        CertificateSerial? serial = null;
        if (raw.Serial is not null)
        {
            CertificateSerial.TryParse(raw.Serial, out var parsed, out _);
            serial = parsed;
        }
        var delivery = raw.HasDelivery ? new DeliveryTarget(raw.Channel!, raw.Address!) : null;
        if (delivery is not null && !_anyChannel && !_channels.Contains(delivery.Channel))
        {
            return ParseResult.Failure(new RequestRejection(ErrorCodes.UnknownChannel,
                $"Field '{RequestFields.DeliveryChannel}' names {TextExcerpt.Quote(delivery.Channel)}, which is not a configured delivery channel with a recipient certificate (configured: {_channelList}).",
                known.RequestId, known.Kind, raw.BatchId));
        }
        return ParseResult.Success(new WorkRequest(known.Kind!.Value, known.RequestId!, raw.BatchId, raw.Uid, serial, delivery)
        {
            Lifetime = raw.LifetimeSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        });
    }

    private static ParseResult Reject(KnownParts? known, string? messageId, string message) =>
        ParseResult.Failure(new RequestRejection(ErrorCodes.InvalidRequest, message,
            known?.RequestId ?? messageId, known?.Kind, known?.BatchId));

    /// <summary>
    /// An unusable or unsupported version comes first (another version may well have other fields);
    /// a missing one comes after member-level problems, since a misspelt "Version" is one of them.
    /// </summary>
    private static string? VersionProblem(RawRequest raw)
    {
        if (raw.VersionError is not null) return raw.VersionError;
        if (raw.HasVersion && raw.Version != SupportedVersion)
            return $"Version {raw.Version} is not supported; this worker reads version {SupportedVersion} only.";
        return null;
    }

    private static string? MissingVersion(RawRequest raw) => raw.HasVersion
        ? null
        : $"Field 'version' is missing; this worker reads version {SupportedVersion} requests (\"version\": {SupportedVersion}).";

    private static string? KindProblem(RawRequest raw)
    {
        const string kinds = $"{RequestKindNames.Enrollment}, {RequestKindNames.Revocation}, {RequestKindNames.Clear}";
        if (raw.Kind is null) return $"Field 'kind' is missing; it is one of {kinds}.";
        return RequestKindNames.TryParse(raw.Kind, out _)
            ? null
            : $"Field 'kind' is {TextExcerpt.Quote(raw.Kind)}; it is one of {kinds} (lower case).";
    }

    private static string? BatchIdProblem(RawRequest raw) =>
        raw.BatchId is null ? null : RequestIdSyntax.Validate(raw.BatchId, RequestFields.BatchId);

    /// <summary>Which members each kind has (docs/messages.md: "fields of another kind ... are refused").</summary>
    private static string? ShapeProblem(RawRequest raw, RequestKind kind)
    {
        switch (kind)
        {
            case RequestKind.Enrollment:
                if (raw.Serial is not null)
                    return "Field 'serial' is not a field of an enrollment request: an enrollment names the user by 'uid' (a revocation names a certificate by serial).";
                if (raw.Uid is null) return "Field 'uid' is missing; an enrollment request names the user by uid.";
                return raw.HasDelivery ? null : "Field 'delivery' is missing; an enrollment request says where the passphrase goes: \"delivery\": {\"channel\": ..., \"address\": ...}.";
            case RequestKind.Revocation:
                if (raw.Uid is not null)
                    return "Field 'uid' is not a field of a revocation request: a revocation names the certificate by 'serial'.";
                if (raw.Serial is null) return "Field 'serial' is missing; a revocation request names the certificate by serial (decimal, or hexadecimal with 0x).";
                return raw.HasDelivery ? null : "Field 'delivery' is missing; a revocation request says where the passphrase goes: \"delivery\": {\"channel\": ..., \"address\": ...}.";
            default:
                if (raw.HasDelivery)
                    return "Field 'delivery' is not a field of a clear request: clearing a token delivers no passphrase.";
                if (raw.HasLifetime)
                    return $"Field '{RequestFields.LifetimeSeconds}' is not a field of a clear request: clearing a token writes none to expire.";
                if (raw.Uid is not null && raw.Serial is not null)
                    return "A clear request names 'uid' (to remove an enrollment token) or 'serial' (to remove a revocation token), not both.";
                return raw.Uid is null && raw.Serial is null
                    ? "A clear request needs 'uid' (to remove an enrollment token) or 'serial' (to remove a revocation token); it has neither."
                    : null;
        }
    }

    private static string? ValueProblem(RawRequest raw)
    {
        if (raw.LifetimeSeconds is { } lifetime && (lifetime < 1 || lifetime > MaxLifetimeSeconds))
            return $"Field '{RequestFields.LifetimeSeconds}' is {lifetime}; a lifetime is 1 to {MaxLifetimeSeconds} seconds (366 days).";
        if (raw.Uid is not null && UidSyntax.Validate(raw.Uid) is { } uidError)
            return $"Field 'uid': {uidError}";
        if (raw.Serial is not null && !CertificateSerial.TryParse(raw.Serial, out _, out var serialError))
            return $"Field 'serial': {serialError}";
        if (!raw.HasDelivery) return null;
        if (raw.Channel is null) return $"Field '{RequestFields.DeliveryChannel}' is missing; it names a configured delivery channel.";
        if (raw.Address is null) return $"Field '{RequestFields.DeliveryAddress}' is missing; it is where the channel sends the passphrase.";
        return ChannelProblem(raw.Channel) ?? AddressProblem(raw.Address);
    }

    /// <summary>A channel name is a routing-key word of ASCII letters, digits, '-' and '_' (see DeliveryOptions).</summary>
    private static string? ChannelProblem(string channel)
    {
        var rule = $"a channel name is 1 to {MaxChannelNameLength} of A-Z a-z 0-9 - _";
        if (channel.Length == 0) return $"Field '{RequestFields.DeliveryChannel}' is empty; {rule}.";
        if (channel.Length > MaxChannelNameLength)
            return $"Field '{RequestFields.DeliveryChannel}' is {channel.Length} characters long; {rule}.";
        for (var i = 0; i < channel.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(channel[i]) || channel[i] is '-' or '_'))
                return $"Field '{RequestFields.DeliveryChannel}' ({TextExcerpt.Quote(channel)}) holds {TextExcerpt.Describe(channel, i)} at position {i + 1}; {rule}.";
        }
        return null;
    }

    private static string? AddressProblem(string address)
    {
        var rule = $"an address is 1 to {MaxAddressLength} printable characters";
        if (address.Length == 0) return $"Field '{RequestFields.DeliveryAddress}' is empty; {rule}.";
        var count = 0;
        for (var i = 0; i < address.Length; i++)
        {
            if (!IsPrintable(address, i))
                return $"Field '{RequestFields.DeliveryAddress}' holds {TextExcerpt.Describe(address, i)} at position {i + 1}, which is not printable; {rule}.";
            if (char.IsHighSurrogate(address[i])) i++;
            count++;
        }
        if (count > MaxAddressLength)
            return $"Field '{RequestFields.DeliveryAddress}' is {count} characters long; {rule}.";
        if (char.IsWhiteSpace(address[0]) || char.IsWhiteSpace(address[^1]))
            return $"Field '{RequestFields.DeliveryAddress}' starts or ends with white space; {rule}, without surrounding spaces.";
        return null;
    }

    /// <summary>Refuses controls, invisible format characters (bidi overrides, zero-width), separators other than space, private-use, unassigned code points and lone surrogates.</summary>
    private static bool IsPrintable(string text, int index)
    {
        if (!Rune.TryGetRuneAt(text, index, out var rune)) return false;
        return Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate);
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> span)
    {
        if (Utf8.IsValid(span)) return -1;
        var offset = 0;
        while (offset < span.Length)
        {
            var status = Rune.DecodeFromUtf8(span[offset..], out _, out var consumed);
            if (status != OperationStatus.Done) return offset;
            offset += consumed;
        }
        return -1;
    }

    /// <summary>What a rejection can still report: the valid requestId (or message_id), kind and batchId.</summary>
    private sealed class KnownParts
    {
        public KnownParts(RawRequest raw, string? messageId)
        {
            Kind = RequestKindNames.TryParse(raw.Kind, out var kind) ? kind : null;
            BatchId = raw.BatchId is not null && RequestIdSyntax.IsValid(raw.BatchId) ? raw.BatchId : null;
            if (raw.RequestId is not null)
            {
                RequestIdProblem = RequestIdSyntax.Validate(raw.RequestId, RequestFields.RequestId);
                RequestId = RequestIdProblem is null ? raw.RequestId : messageId;
            }
            else
            {
                RequestId = messageId;
                RequestIdProblem = messageId is not null ? null : MissingRequestId();
            }
        }

        public RequestKind? Kind { get; }
        public string? BatchId { get; }
        public string? RequestId { get; }
        public string? RequestIdProblem { get; }

        private static string MissingRequestId() =>
            "Field 'requestId' is missing and the message has no usable AMQP message_id to stand in for it; "
            + $"set one of them (1 to {RequestIdSyntax.MaxLength} of {RequestIdSyntax.Alphabet}).";
    }
}
