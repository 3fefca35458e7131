using System.Security.Cryptography;
using System.Text;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Tests.Unit.Processing.Fakes;

/// <summary>The audit's address digest, unkeyed: SHA-256 of <c>fake|</c> and the address, so tests can predict it (the real one is Audit/AddressHmac).</summary>
internal sealed class FakeAddressDigest : IAddressDigest
{
    public string? Of(string address) => Expected(address);

    public static string Expected(string address) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("fake|" + address)));
}
