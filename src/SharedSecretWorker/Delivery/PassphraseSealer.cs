using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Delivery;

/// <summary>
/// Seals a passphrase for a delivery channel (docs/messages.md, "Delivery notices"): a DER CMS
/// EnvelopedData (RFC 5652) whose content is the passphrase's bytes, content encryption
/// AES-256-CBC, key transport RSA-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017, RFC 4055) to the
/// channel's recipient certificate. <c>openssl cms -decrypt -inform DER -in sealed.der -inkey
/// channel.key -recip channel.crt</c> opens it. Thread-safe; certificates are loaded once.
/// </summary>
public sealed class PassphraseSealer : IDisposable
{
    /// <summary>id-aes256-CBC (NIST CSOR), the content-encryption algorithm.</summary>
    public const string ContentEncryptionOid = "2.16.840.1.101.3.4.1.42";

    /// <summary>id-RSAES-OAEP (RFC 4055), the key-transport algorithm; its parameters name SHA-256.</summary>
    public const string KeyTransportOid = "1.2.840.113549.1.1.7";

    private readonly FrozenDictionary<string, X509Certificate2> _recipients;

    /// <summary>Loads every channel of <paramref name="options"/> that names a certificate file.</summary>
    /// <exception cref="InvalidOperationException">A certificate cannot be used; the message names the configuration key.</exception>
    public PassphraseSealer(IOptions<DeliveryOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow();
        var recipients = new Dictionary<string, X509Certificate2>(StringComparer.Ordinal);
        try
        {
            foreach (var (channel, settings) in options.Value.Channels)
            {
                if (string.IsNullOrWhiteSpace(settings?.CertificateFile)) continue;
                var certificate = RecipientCertificate.TryLoad(channel, settings.CertificateFile, now, out var error)
                    ?? throw new InvalidOperationException(error);
                recipients.Add(channel, certificate);
            }
        }
        catch
        {
            foreach (var certificate in recipients.Values) certificate.Dispose();
            throw;
        }
        _recipients = recipients.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Seals to the given certificates, one per channel (tests, tools). The sealer takes ownership.</summary>
    internal PassphraseSealer(IReadOnlyDictionary<string, X509Certificate2> recipients)
    {
        _recipients = recipients.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The channels that can receive a sealed passphrase (configured with a certificate).</summary>
    public IReadOnlyCollection<string> Channels => _recipients.Keys;

    /// <summary>True when <paramref name="channel"/> has a recipient certificate.</summary>
    public bool HasChannel(string channel) => _recipients.ContainsKey(channel);

    /// <summary>The recipient certificate of <paramref name="channel"/> (owned by the sealer; do not dispose).</summary>
    public X509Certificate2 RecipientOf(string channel) =>
        _recipients.TryGetValue(channel, out var certificate)
            ? certificate
            : throw UnknownChannel(channel);

    /// <summary>
    /// Returns the DER EnvelopedData holding <paramref name="passphrase"/> for <paramref name="channel"/>.
    /// The sealer's own copy of the passphrase is cleared before returning; the caller clears theirs.
    /// </summary>
    /// <exception cref="ArgumentException">The channel has no recipient certificate (the request parser refuses such requests first).</exception>
    public byte[] Seal(string channel, ReadOnlySpan<byte> passphrase)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (passphrase.IsEmpty) throw new ArgumentException("The passphrase is empty.", nameof(passphrase));
        var certificate = RecipientOf(channel);
        // ContentInfo keeps a reference to this array, not a copy; clearing it clears the clear text.
        var content = passphrase.ToArray();
        try
        {
            var envelope = new EnvelopedCms(new ContentInfo(content), new AlgorithmIdentifier(new Oid(ContentEncryptionOid)));
            var recipient = new CmsRecipient(SubjectIdentifierType.IssuerAndSerialNumber, certificate, RSAEncryptionPadding.OaepSHA256);
            envelope.Encrypt(recipient);
            return envelope.Encode();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    /// <summary><see cref="Seal"/>, base64-encoded as the notice's <c>sealedPassphrase</c> carries it.</summary>
    public string SealToBase64(string channel, ReadOnlySpan<byte> passphrase) =>
        Convert.ToBase64String(Seal(channel, passphrase));

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var certificate in _recipients.Values) certificate.Dispose();
    }

    private ArgumentException UnknownChannel(string channel) => new(
        $"Delivery channel '{channel}' has no recipient certificate ({DeliveryOptions.CertificateFileKey(channel)}); configured: {string.Join(", ", _recipients.Keys.Order(StringComparer.Ordinal))}.",
        nameof(channel));
}
