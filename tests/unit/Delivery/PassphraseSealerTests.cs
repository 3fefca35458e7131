using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Text;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Contracts.Sealing;
using SharedSecretWorker.Delivery;

namespace SharedSecretWorker.Tests.Unit.Delivery;

public sealed class PassphraseSealerTests : IDisposable
{
    private const string Passphrase = "Tq7-vX2k-Mw9p-Hc4r";

    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("shrtok-seal-").FullName;
    private readonly ChannelKeyPair _email;
    private readonly ChannelKeyPair _sms;
    private readonly PassphraseSealer _sealer;

    public PassphraseSealerTests()
    {
        _email = ChannelKeyPair.CreateRsa(_dir, "email");
        _sms = ChannelKeyPair.CreateRsa(_dir, "sms");
        _sealer = new PassphraseSealer(Options.Create(new DeliveryOptions
        {
            Channels =
            {
                ["email"] = new DeliveryChannelOptions { CertificateFile = _email.CertificateFile },
                ["sms"] = new DeliveryChannelOptions { CertificateFile = _sms.CertificateFile },
                ["fax"] = new DeliveryChannelOptions { CertificateFile = "" },
            },
        }), TimeProvider.System);
    }

    public void Dispose()
    {
        _sealer.Dispose();
        _email.Dispose();
        _sms.Dispose();
        System.IO.Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Only_channels_with_a_certificate_can_receive()
    {
        Assert.Equal(["email", "sms"], _sealer.Channels.Order(StringComparer.Ordinal));
        Assert.True(_sealer.HasChannel("email"));
        Assert.False(_sealer.HasChannel("fax"));
        Assert.False(_sealer.HasChannel("Email"));
    }

    [Fact]
    public void Sealing_for_an_unconfigured_channel_names_the_configuration_key()
    {
        var error = Assert.Throws<ArgumentException>(() => _sealer.Seal("fax", "x"u8));

        Assert.Contains("Delivery:Channels:fax:CertificateFile", error.Message, StringComparison.Ordinal);
        Assert.Contains("configured: email, sms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_envelope_is_AES256_CBC_content_with_RSA_OAEP_SHA256_key_transport()
    {
        var der = _sealer.Seal("email", Encoding.ASCII.GetBytes(Passphrase));

        var envelope = new EnvelopedCms();
        envelope.Decode(der);

        Assert.Equal("2.16.840.1.101.3.4.1.42", envelope.ContentEncryptionAlgorithm.Oid.Value);
        var recipient = Assert.Single(envelope.RecipientInfos.Cast<RecipientInfo>());
        Assert.Equal(RecipientInfoType.KeyTransport, recipient.Type);
        Assert.Equal(SubjectIdentifierType.IssuerAndSerialNumber, recipient.RecipientIdentifier.Type);
        Assert.Equal("1.2.840.113549.1.1.7", recipient.KeyEncryptionAlgorithm.Oid.Value);
        Assert.Equal(("2.16.840.1.101.3.4.2.1", "1.2.840.113549.1.1.8", "2.16.840.1.101.3.4.2.1"), OaepParameters(recipient.KeyEncryptionAlgorithm.Parameters));
    }

    [Fact]
    public void Each_seal_uses_a_fresh_content_key()
    {
        var first = _sealer.Seal("email", Encoding.ASCII.GetBytes(Passphrase));
        var second = _sealer.Seal("email", Encoding.ASCII.GetBytes(Passphrase));

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void The_channel_key_opens_it_to_the_exact_passphrase()
    {
        var sealedBase64 = _sealer.SealToBase64("sms", Encoding.ASCII.GetBytes(Passphrase));

        using var unsealer = PassphraseUnsealer.Load(_sms.KeyFile, _sms.CertificateFile);
        var opened = unsealer.UnsealBase64(sealedBase64);

        Assert.Equal(Passphrase, Encoding.ASCII.GetString(opened));
    }

    [Fact]
    public void The_sealed_bytes_do_not_contain_the_passphrase()
    {
        var der = _sealer.Seal("email", Encoding.ASCII.GetBytes(Passphrase));

        Assert.Equal(-1, der.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Passphrase)));
    }

    [Fact]
    public void Another_channels_key_is_told_it_is_the_wrong_key()
    {
        var der = _sealer.Seal("email", Encoding.ASCII.GetBytes(Passphrase));
        using var unsealer = PassphraseUnsealer.Load(_sms.KeyFile, _sms.CertificateFile);

        var error = Assert.Throws<UnsealException>(() => unsealer.Unseal(der));

        Assert.Equal(UnsealFailure.WrongKey, error.Failure);
        Assert.Contains("sealed to another certificate", error.Message, StringComparison.Ordinal);
        Assert.Contains("this key cannot open it", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Passphrase, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_envelope_is_malformed()
    {
        var der = _sealer.Seal("email", Encoding.ASCII.GetBytes(Passphrase));
        using var unsealer = PassphraseUnsealer.Load(_email.KeyFile, _email.CertificateFile);

        var error = Assert.Throws<UnsealException>(() => unsealer.Unseal(der.AsSpan(0, der.Length / 2)));

        Assert.Equal(UnsealFailure.Malformed, error.Failure);
        Assert.Contains("not a DER CMS EnvelopedData", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_is_not_base64_is_malformed()
    {
        using var unsealer = PassphraseUnsealer.Load(_email.KeyFile, _email.CertificateFile);

        var error = Assert.Throws<UnsealException>(() => unsealer.UnsealBase64("not base64!"));

        Assert.Equal(UnsealFailure.Malformed, error.Failure);
    }

    [Fact]
    public void A_key_of_another_certificate_is_refused_on_load()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PassphraseUnsealer.Load(_sms.KeyFile, _email.CertificateFile));

        Assert.Contains($"The key in '{_sms.KeyFile}' does not belong to the certificate in '{_email.CertificateFile}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_holds_no_key_is_refused_on_load()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PassphraseUnsealer.Load(_email.CertificateFile, _email.CertificateFile));

        Assert.Contains("holds no unencrypted PEM RSA private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PKCS1_RSA_key_opens_it_too()
    {
        var pkcs1 = Path.Combine(_dir, "email-pkcs1.key");
        File.WriteAllText(pkcs1, ((RSA)_email.Key).ExportRSAPrivateKeyPem());
        var der = _sealer.Seal("email", Encoding.ASCII.GetBytes(Passphrase));

        using var unsealer = PassphraseUnsealer.Load(pkcs1, _email.CertificateFile);

        Assert.Equal(Passphrase, Encoding.ASCII.GetString(unsealer.Unseal(der)));
    }

    [Fact]
    public void Concurrent_seals_each_open_to_their_own_passphrase()
    {
        var passphrases = Enumerable.Range(0, 64).Select(i => $"pass-{i:D3}").ToArray();
        var sealedOnes = new byte[passphrases.Length][];

        Parallel.For(0, passphrases.Length, i => sealedOnes[i] = _sealer.Seal(i % 2 == 0 ? "email" : "sms", Encoding.ASCII.GetBytes(passphrases[i])));

        using var email = PassphraseUnsealer.Load(_email.KeyFile, _email.CertificateFile);
        using var sms = PassphraseUnsealer.Load(_sms.KeyFile, _sms.CertificateFile);
        for (var i = 0; i < passphrases.Length; i++)
            Assert.Equal(passphrases[i], Encoding.ASCII.GetString((i % 2 == 0 ? email : sms).Unseal(sealedOnes[i])));
    }

    [Fact]
    public void Seals_from_many_threads_at_once_all_open_with_the_channel_key()
    {
        // More threads than the sealer keeps imported keys (twice the processor count, at least 4),
        // all released together, so kept keys are shared out, extra ones made and given back.
        const int threads = 16;
        const int perThread = 12;
        var results = new (string Channel, string Passphrase, byte[] Sealed)[threads * perThread];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++)
            {
                var channel = (t + i) % 2 == 0 ? "email" : "sms";
                var passphrase = $"thread-{t:D2}-seal-{i:D2}";
                results[t * perThread + i] = (channel, passphrase, _sealer.Seal(channel, Encoding.ASCII.GetBytes(passphrase)));
            }
        })).ToList();
        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());

        foreach (var (channel, passphrase, der) in results)
        {
            var pair = channel == "email" ? _email : _sms;
            var envelope = new EnvelopedCms();
            envelope.Decode(der);
            var recipient = Assert.Single(envelope.RecipientInfos.Cast<RecipientInfo>());
            Assert.True(recipient.RecipientIdentifier.MatchesCertificate(pair.Certificate));
            envelope.Decrypt(recipient, pair.Key);
            Assert.Equal(passphrase, Encoding.ASCII.GetString(envelope.ContentInfo.Content));
        }
        Assert.Equal(threads * perThread, results.Select(result => Convert.ToBase64String(result.Sealed)).Distinct().Count());
    }

    [Fact]
    public void The_envelope_is_byte_for_byte_what_EnvelopedCms_writes()
    {
        // EnvelopedCms.Encrypt, as the sealer called it before it wrote the envelope itself.
        var reference = new EnvelopedCms(new ContentInfo(Encoding.ASCII.GetBytes(Passphrase)), new AlgorithmIdentifier(new Oid(PassphraseSealer.ContentEncryptionOid)));
        reference.Encrypt(new CmsRecipient(SubjectIdentifierType.IssuerAndSerialNumber, _email.Certificate, RSAEncryptionPadding.OaepSHA256));
        var expected = reference.Encode();
        var (encryptedKey, iv, encryptedContent) = RandomParts(expected);

        // The same random parts (content key, IV, OAEP seed) through the sealer's encoder.
        var written = PassphraseSealer.Encode(PassphraseSealer.EncodeIssuerAndSerialNumber(_email.Certificate), encryptedKey, iv, encryptedContent);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(written));
    }

    [Fact]
    public void A_seal_has_the_shape_and_size_of_what_EnvelopedCms_writes()
    {
        var reference = new EnvelopedCms(new ContentInfo(Encoding.ASCII.GetBytes(Passphrase)), new AlgorithmIdentifier(new Oid(PassphraseSealer.ContentEncryptionOid)));
        reference.Encrypt(new CmsRecipient(SubjectIdentifierType.IssuerAndSerialNumber, _email.Certificate, RSAEncryptionPadding.OaepSHA256));
        var expected = reference.Encode();
        var der = _sealer.Seal("email", Encoding.ASCII.GetBytes(Passphrase));

        Assert.Equal(expected.Length, der.Length);
        var (encryptedKey, iv, encryptedContent) = RandomParts(der);
        Assert.Equal(256, encryptedKey.Length);
        Assert.Equal(16, iv.Length);
        Assert.Equal(32, encryptedContent.Length);
        // Everything but the random parts is the same: rewriting the reference with this seal's random parts gives this seal.
        var rewritten = PassphraseSealer.Encode(PassphraseSealer.EncodeIssuerAndSerialNumber(_email.Certificate), encryptedKey, iv, encryptedContent);
        Assert.Equal(der, rewritten);
        var decoded = new EnvelopedCms();
        decoded.Decode(der);
        Assert.Equal(0, decoded.Version);
        var recipient = Assert.Single(decoded.RecipientInfos.Cast<RecipientInfo>());
        Assert.Equal(0, recipient.Version);
        Assert.True(recipient.RecipientIdentifier.MatchesCertificate(_email.Certificate));
        var decodedReference = new EnvelopedCms();
        decodedReference.Decode(expected);
        Assert.Equal(Assert.Single(decodedReference.RecipientInfos.Cast<RecipientInfo>()).KeyEncryptionAlgorithm.Parameters, recipient.KeyEncryptionAlgorithm.Parameters);
    }

    [Fact]
    public void An_empty_passphrase_is_not_sealed()
    {
        Assert.Throws<ArgumentException>(() => _sealer.Seal("email", ReadOnlySpan<byte>.Empty));
    }

    /// <summary>The parts of an envelope that differ from seal to seal: encryptedKey, the IV, encryptedContent.</summary>
    private static (byte[] EncryptedKey, byte[] Iv, byte[] EncryptedContent) RandomParts(byte[] der)
    {
        var contentInfo = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        contentInfo.ReadObjectIdentifier();
        var envelopedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence();
        envelopedData.ReadInteger();
        var ktri = envelopedData.ReadSetOf().ReadSequence();
        ktri.ReadInteger();
        ktri.ReadSequence();
        ktri.ReadSequence();
        var encryptedKey = ktri.ReadOctetString();
        var encryptedContentInfo = envelopedData.ReadSequence();
        encryptedContentInfo.ReadObjectIdentifier();
        var algorithm = encryptedContentInfo.ReadSequence();
        algorithm.ReadObjectIdentifier();
        var iv = algorithm.ReadOctetString();
        var encryptedContent = encryptedContentInfo.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0));
        return (encryptedKey, iv, encryptedContent);
    }

    /// <summary>Reads RSAES-OAEP-params (RFC 4055 section 4.1): hash, mask generation function, and the MGF's hash.</summary>
    private static (string Hash, string Mgf, string MgfHash) OaepParameters(byte[] parameters)
    {
        var reader = new AsnReader(parameters, AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        var hash = sequence.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence().ReadObjectIdentifier();
        var mgf = sequence.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true)).ReadSequence();
        var mgfOid = mgf.ReadObjectIdentifier();
        var mgfHash = mgf.ReadSequence().ReadObjectIdentifier();
        return (hash, mgfOid, mgfHash);
    }
}
