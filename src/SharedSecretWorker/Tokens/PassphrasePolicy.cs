namespace SharedSecretWorker.Tokens;

/// <summary>
/// What a passphrase may be. Printable ASCII only: the CA sizes its identity-proof buffer by the
/// passphrase's character count but fills it with UTF-8 bytes, so a non-ASCII passphrase can never
/// succeed (docs/cmc-shared-token.md, "Passphrases").
/// </summary>
public static class PassphrasePolicy
{
    /// <summary>
    /// The generator's alphabet: digits and upper-case letters without the look-alikes 0/O, 1/I
    /// (and no lower case, so that reading aloud needs no "capital"). 32 symbols, 5 bits each.
    /// </summary>
    public const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    /// <summary>Separator between groups; not in <see cref="Alphabet"/>, so grouping adds no ambiguity.</summary>
    public const char GroupSeparator = '-';

    /// <summary>Least entropy of a generated passphrase.</summary>
    public const int MinimumEntropyBits = 100;

    /// <summary>Lowest and highest printable ASCII character (space to tilde).</summary>
    public const byte FirstPrintable = 0x20, LastPrintable = 0x7E;

    /// <summary>Entropy of <paramref name="length"/> uniformly drawn characters of <see cref="Alphabet"/>.</summary>
    public static double EntropyBits(int length) => length * Math.Log2(Alphabet.Length);

    /// <summary>Shortest length that reaches <see cref="MinimumEntropyBits"/>.</summary>
    public static int MinimumLength => (int)Math.Ceiling(MinimumEntropyBits / Math.Log2(Alphabet.Length));

    /// <summary>
    /// True when every byte is printable ASCII and there is at least one; otherwise
    /// <paramref name="firstBadIndex"/> is the offset of the first offending byte (-1 when empty).
    /// </summary>
    public static bool IsPrintableAscii(ReadOnlySpan<byte> passphrase, out int firstBadIndex)
    {
        firstBadIndex = -1;
        if (passphrase.IsEmpty) return false;
        for (var i = 0; i < passphrase.Length; i++)
        {
            if (passphrase[i] is < FirstPrintable or > LastPrintable)
            {
                firstBadIndex = i;
                return false;
            }
        }
        return true;
    }
}
