using BenchmarkDotNet.Attributes;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Benchmarks.HotPath;

/// <summary>
/// Parse: the contract library's strict request parsing (RequestParser, which walks the body with
/// RequestBodyReader), called as RequestProcessor calls it: the delivered body's bytes and the AMQP
/// message_id, with the parser configured for the channels that have a certificate.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private readonly RequestParser _parser = new([HotPathInputs.Channel, "sms"]);
    private ReadOnlyMemory<byte> _body;

    [GlobalSetup]
    public void Setup()
    {
        _body = HotPathInputs.EnrollmentBody();
        if (!_parser.Parse(_body, HotPathInputs.MessageId).Succeeded)
            throw new InvalidOperationException("The benchmark's enrollment body does not parse.");
    }

    /// <summary>A valid enrollment (a few hundred bytes) to a WorkRequest.</summary>
    [Benchmark]
    public ParseResult ParseEnrollment() => _parser.Parse(_body, HotPathInputs.MessageId);
}
