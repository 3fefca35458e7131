using System.Collections.Frozen;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Common;

namespace SharedSecretWorker.Delivery;

/// <summary>
/// Seals a passphrase for a delivery channel (docs/messages.md, "Delivery notices"): a DER CMS
/// EnvelopedData (RFC 5652) whose content is the passphrase's bytes, content encryption
/// AES-256-CBC, key transport RSA-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017, RFC 4055) to the
/// channel's recipient certificate. <c>openssl cms -decrypt -inform DER -in sealed.der -inkey
/// channel.key -recip channel.crt</c> opens it. Thread-safe; certificates are loaded once, and each
/// channel's RSA public key is imported once and kept (<see cref="RsaPublicKeyPool"/>): importing it
/// cost most of a seal when <c>EnvelopedCms</c> did it on every <c>Encrypt</c>
/// (docs/performance.md, "Hot path, piece by piece"). The envelope is therefore written here with
/// <see cref="AsnWriter"/> (DER), field for field as <c>EnvelopedCms.Encrypt</c> wrote it for this
/// one recipient (the unit tests compare the two byte for byte).
/// </summary>
public sealed class PassphraseSealer : IDisposable
{
    /// <summary>id-aes256-CBC (NIST CSOR), the content-encryption algorithm.</summary>
    public const string ContentEncryptionOid = "2.16.840.1.101.3.4.1.42";

    /// <summary>id-RSAES-OAEP (RFC 4055), the key-transport algorithm; its parameters name SHA-256.</summary>
    public const string KeyTransportOid = "1.2.840.113549.1.1.7";

    private const string EnvelopedDataOid = "1.2.840.113549.1.7.3";
    private const string DataOid = "1.2.840.113549.1.7.1";
    private const string Sha256Oid = "2.16.840.1.101.3.4.2.1";
    private const string Mgf1Oid = "1.2.840.113549.1.1.8";
    private const int ContentKeyBytes = 32;
    private const int IvBytes = 16;

    /// <summary>
    /// The KeyTransRecipientInfo's keyEncryptionAlgorithm, DER: id-RSAES-OAEP with RSAES-OAEP-params
    /// naming SHA-256 and MGF1-SHA-256 (hash AlgorithmIdentifiers with NULL parameters, pSourceFunc
    /// left at its default), as EnvelopedCms writes it for <see cref="RSAEncryptionPadding.OaepSHA256"/>.
    /// </summary>
    internal static readonly byte[] KeyTransportAlgorithm = EncodeKeyTransportAlgorithm();

    private readonly FrozenDictionary<string, Recipient> _recipients;

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
            _recipients = Prepare(recipients);
        }
        catch
        {
            foreach (var certificate in recipients.Values) certificate.Dispose();
            throw;
        }
    }

    /// <summary>Seals to the given certificates, one per channel (tests, tools). The sealer takes ownership.</summary>
    /// <exception cref="ArgumentException">A certificate does not hold an RSA key.</exception>
    internal PassphraseSealer(IReadOnlyDictionary<string, X509Certificate2> recipients)
    {
        _recipients = Prepare(recipients);
    }

    /// <summary>The channels that can receive a sealed passphrase (configured with a certificate).</summary>
    public IReadOnlyCollection<string> Channels => _recipients.Keys;

    /// <summary>True when <paramref name="channel"/> has a recipient certificate.</summary>
    public bool HasChannel(string channel) => _recipients.ContainsKey(channel);

    /// <summary>The recipient certificate of <paramref name="channel"/> (owned by the sealer; do not dispose).</summary>
    public X509Certificate2 RecipientOf(string channel) =>
        RecipientFor(channel).Certificate;

    /// <summary>
    /// Returns the DER EnvelopedData holding <paramref name="passphrase"/> for <paramref name="channel"/>.
    /// The sealer makes no copy of the passphrase (it is encrypted from the caller's span) and clears
    /// the content-encryption key before returning; the caller clears theirs.
    /// </summary>
    /// <exception cref="ArgumentException">The channel has no recipient certificate (the request parser refuses such requests first).</exception>
    public byte[] Seal(string channel, ReadOnlySpan<byte> passphrase)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (passphrase.IsEmpty) throw new ArgumentException("The passphrase is empty.", nameof(passphrase));
        var recipient = RecipientFor(channel);
        // The passphrase is encrypted straight from the caller's span: the sealer keeps no copy of
        // it. The content-encryption key lives on the stack and is cleared before returning.
        Span<byte> contentKey = stackalloc byte[ContentKeyBytes];
        Span<byte> iv = stackalloc byte[IvBytes];
        try
        {
            RandomNumberGenerator.Fill(contentKey);
            RandomNumberGenerator.Fill(iv);
            byte[] encryptedContent;
            using (var aes = Aes.Create())
            {
                aes.SetKey(contentKey);
                encryptedContent = aes.EncryptCbc(passphrase, iv, PaddingMode.PKCS7);
            }
            var encryptedKey = recipient.Key.Encrypt(contentKey, RSAEncryptionPadding.OaepSHA256);
            return Encode(recipient.IssuerAndSerialNumber, encryptedKey, iv, encryptedContent);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    /// <summary>
    /// The DER ContentInfo holding the EnvelopedData (RFC 5652 6.1): version 0, one
    /// KeyTransRecipientInfo (version 0, <paramref name="issuerAndSerialNumber"/>,
    /// <see cref="KeyTransportAlgorithm"/>, <paramref name="encryptedKey"/>), and the
    /// EncryptedContentInfo (id-data, id-aes256-CBC with <paramref name="iv"/>, [0] IMPLICIT
    /// <paramref name="encryptedContent"/>). What EnvelopedCms.Encrypt writes for one such recipient.
    /// </summary>
    internal static byte[] Encode(ReadOnlySpan<byte> issuerAndSerialNumber, ReadOnlySpan<byte> encryptedKey, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> encryptedContent)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 128 + issuerAndSerialNumber.Length + encryptedKey.Length + encryptedContent.Length);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(EnvelopedDataOid);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(0);
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteInteger(0);
                    writer.WriteEncodedValue(issuerAndSerialNumber);
                    writer.WriteEncodedValue(KeyTransportAlgorithm);
                    writer.WriteOctetString(encryptedKey);
                }
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(DataOid);
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(ContentEncryptionOid);
                        writer.WriteOctetString(iv);
                    }
                    writer.WriteOctetString(encryptedContent, new Asn1Tag(TagClass.ContextSpecific, 0));
                }
            }
        }
        return writer.Encode();
    }

    /// <summary><see cref="Seal"/>, base64-encoded as the notice's <c>sealedPassphrase</c> carries it.</summary>
    public string SealToBase64(string channel, ReadOnlySpan<byte> passphrase) =>
        Convert.ToBase64String(Seal(channel, passphrase));

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var recipient in _recipients.Values) recipient.Dispose();
    }

    private Recipient RecipientFor(string channel) =>
        _recipients.TryGetValue(channel, out var recipient)
            ? recipient
            : throw UnknownChannel(channel);

    private static FrozenDictionary<string, Recipient> Prepare(IReadOnlyDictionary<string, X509Certificate2> certificates)
    {
        var recipients = new Dictionary<string, Recipient>(StringComparer.Ordinal);
        foreach (var (channel, certificate) in certificates)
        {
            using var rsa = certificate.GetRSAPublicKey()
                ?? throw new ArgumentException($"The certificate of channel '{channel}' does not hold an RSA key.", nameof(certificates));
            recipients.Add(channel, new Recipient(certificate, new RsaPublicKeyPool(rsa.ExportParameters(includePrivateParameters: false)), EncodeIssuerAndSerialNumber(certificate)));
        }
        return recipients.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>IssuerAndSerialNumber (RFC 5652 10.2.4): the certificate's issuer Name as encoded in it, and its serial number.</summary>
    internal static byte[] EncodeIssuerAndSerialNumber(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(certificate.IssuerName.RawData);
            writer.WriteInteger(certificate.SerialNumberBytes.Span);
        }
        return writer.Encode();
    }

    private static byte[] EncodeKeyTransportAlgorithm()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(KeyTransportOid);
            using (writer.PushSequence())
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                    WriteSha256(writer);
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Mgf1Oid);
                    WriteSha256(writer);
                }
            }
        }
        return writer.Encode();

        static void WriteSha256(AsnWriter writer)
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Sha256Oid);
                writer.WriteNull();
            }
        }
    }

    /// <summary>A channel's certificate, its public key imported once, and its encoded identifier.</summary>
    private sealed record Recipient(X509Certificate2 Certificate, RsaPublicKeyPool Key, byte[] IssuerAndSerialNumber) : IDisposable
    {
        public void Dispose()
        {
            Key.Dispose();
            Certificate.Dispose();
        }
    }

    private ArgumentException UnknownChannel(string channel) => new(
        $"Delivery channel '{channel}' has no recipient certificate ({DeliveryOptions.CertificateFileKey(channel)}); configured: {string.Join(", ", _recipients.Keys.Order(StringComparer.Ordinal))}.",
        nameof(channel));
}
