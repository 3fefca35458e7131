using BenchmarkDotNet.Attributes;
using SharedSecretWorker.Audit;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Benchmarks.HotPath;

/// <summary>
/// The small digests of a request: the address HMAC of the result (AddressHmac, a 32-byte site key),
/// the token's SHA-256 of the result and notice (TokenDigest), and the body's SHA-256 the duplicate
/// memory keeps (CompletedRequests.Digest).
/// </summary>
[MemoryDiagnoser]
public class DigestBenchmarks
{
    private readonly AddressHmac _hmac = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly byte[] _body = HotPathInputs.EnrollmentBody();
    private string _token = null!;

    [GlobalSetup]
    public void Setup() => _token = HotPathInputs.Token();

    [GlobalCleanup]
    public void Cleanup() => _hmac.Dispose();

    /// <summary>HMAC-SHA256 of "jdoe@example.com", lower-case hex.</summary>
    [Benchmark]
    public string? AddressHmacHex() => _hmac.Of("jdoe@example.com");

    /// <summary>SHA-256 of the stored token text (about 390 characters), lower-case hex.</summary>
    [Benchmark]
    public string TokenSha256Hex() => TokenDigest.Sha256Hex(_token);

    /// <summary>SHA-256 of the request body.</summary>
    [Benchmark]
    public byte[] BodySha256() => CompletedRequests.Digest(_body);
}
