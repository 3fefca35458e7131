namespace SharedSecretWorker.Directory.Ldap;

/// <summary>
/// Cuts LDAPMessages out of a byte stream: each is one BER SEQUENCE (tag 0x30) with a definite
/// length (RFC 4511 section 5.1), read whole before it is decoded.
/// </summary>
internal static class LdapFraming
{
    /// <summary>The largest message accepted; a certificate record with its certificate is a few KiB.</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    private const byte SequenceTag = 0x30;
    private const int MaxLengthOctets = 4;

    /// <summary>The next message's bytes (tag, length and contents), or null when the stream ended cleanly before it.</summary>
    /// <exception cref="InvalidDataException">Not an LDAPMessage, or longer than <paramref name="maxBytes"/>.</exception>
    /// <exception cref="EndOfStreamException">The stream ended inside a message.</exception>
    public static async ValueTask<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken, int maxBytes = MaxMessageBytes)
    {
        var head = new byte[2 + MaxLengthOctets];
        if (await stream.ReadAsync(head.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) == 0) return null;
        if (head[0] != SequenceTag)
            throw new InvalidDataException($"An LDAP message starts with a SEQUENCE (0x30), not 0x{head[0]:X2}.");
        await stream.ReadExactlyAsync(head.AsMemory(1, 1), cancellationToken).ConfigureAwait(false);
        int headLength;
        long length;
        if (head[1] < 0x80)
        {
            headLength = 2;
            length = head[1];
        }
        else
        {
            var octets = head[1] & 0x7F;
            if (octets is 0 or > MaxLengthOctets)
                throw new InvalidDataException(octets == 0 ? "An LDAP message may not have an indefinite length." : $"A length of {octets} octets is too long.");
            await stream.ReadExactlyAsync(head.AsMemory(2, octets), cancellationToken).ConfigureAwait(false);
            headLength = 2 + octets;
            length = 0;
            for (var i = 0; i < octets; i++) length = (length << 8) | head[2 + i];
        }
        if (length > maxBytes - headLength)
            throw new InvalidDataException($"An LDAP message of {length} bytes is longer than the {maxBytes} accepted.");
        var message = new byte[headLength + (int)length];
        head.AsSpan(0, headLength).CopyTo(message);
        await stream.ReadExactlyAsync(message.AsMemory(headLength), cancellationToken).ConfigureAwait(false);
        return message;
    }
}
