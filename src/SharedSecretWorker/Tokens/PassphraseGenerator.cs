using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace SharedSecretWorker.Tokens;

/// <summary>
/// Generates passphrases from the encryptor's randomness (the HSM's C_GenerateRandom on the
/// PKCS#11 path): <see cref="TokenOptions.PassphraseLength"/> characters of
/// <see cref="PassphrasePolicy.Alphabet"/>, optionally grouped with '-'.
/// </summary>
public sealed class PassphraseGenerator
{
    private readonly ITokenEncryptor _random;
    private readonly int _length;
    private readonly int _groupSize;

    /// <summary>Creates a generator with the configured length and grouping.</summary>
    public PassphraseGenerator(ITokenEncryptor random, IOptions<TokenOptions> options)
        : this(random, options.Value.PassphraseLength, options.Value.PassphraseGroupSize)
    {
    }

    /// <summary>Creates a generator with an explicit length and grouping (0: none).</summary>
    public PassphraseGenerator(ITokenEncryptor random, int length, int groupSize)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (length < PassphrasePolicy.MinimumLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A passphrase needs at least {PassphrasePolicy.MinimumLength} characters ({PassphrasePolicy.MinimumEntropyBits} bits).");
        ArgumentOutOfRangeException.ThrowIfNegative(groupSize);
        _random = random;
        _length = length;
        _groupSize = groupSize;
    }

    /// <summary>Entropy of each generated passphrase in bits.</summary>
    public double EntropyBits => PassphrasePolicy.EntropyBits(_length);

    /// <summary>Length in bytes of each generated passphrase, separators included.</summary>
    public int OutputLength => _groupSize > 0 ? _length + (_length - 1) / _groupSize : _length;

    /// <summary>
    /// Returns a new passphrase as ASCII bytes. The caller owns the array and clears it
    /// (<see cref="CryptographicOperations.ZeroMemory"/>) when done.
    /// </summary>
    public async ValueTask<byte[]> GenerateAsync(CancellationToken cancellationToken)
    {
        var alphabetSize = PassphrasePolicy.Alphabet.Length;
        // Rejection sampling keeps every symbol equally likely: bytes at or above the largest
        // multiple of the alphabet size are discarded (none are with a 32-symbol alphabet).
        var limit = 256 - 256 % alphabetSize;
        var symbols = new byte[_length];
        var random = new byte[_length + _length / 2];
        try
        {
            var filled = 0;
            while (filled < _length)
            {
                await _random.FillRandomAsync(random, cancellationToken).ConfigureAwait(false);
                foreach (var b in random)
                {
                    if (b >= limit) continue;
                    symbols[filled++] = (byte)PassphrasePolicy.Alphabet[b % alphabetSize];
                    if (filled == _length) break;
                }
            }
            if (_groupSize == 0) return symbols;
            var grouped = new byte[OutputLength];
            var at = 0;
            for (var i = 0; i < _length; i++)
            {
                if (i > 0 && i % _groupSize == 0) grouped[at++] = (byte)PassphrasePolicy.GroupSeparator;
                grouped[at++] = symbols[i];
            }
            CryptographicOperations.ZeroMemory(symbols);
            return grouped;
        }
        catch
        {
            CryptographicOperations.ZeroMemory(symbols);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
        }
    }
}
