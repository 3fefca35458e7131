using SharedSecretWorker.Contracts;
using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Directory;
using SharedSecretWorker.Tests.Unit.Processing.Fakes;
using SharedSecretWorker.Tokens;

namespace SharedSecretWorker.Tests.Unit.Processing;

/// <summary>
/// The lifetime decision in processing (docs/token-lifecycle.md, "A lifetime"): the metadata written with
/// the token, the expiry on the result and notice, and a request asking more than allowed.
/// </summary>
public sealed class RequestLifetimeTests : IDisposable
{
    private readonly ProcessingRig _rig = new(tokens: new TokenOptions { Lifetime = TimeSpan.FromDays(7), MaxLifetime = TimeSpan.FromDays(7) });

    public void Dispose() => _rig.Dispose();

    private static SharedSecretWorker.Processing.InboundMessage Enrollment(string lifetime) => Deliveries.Of(
        $$$"""{"version": 1, "kind": "enrollment", "requestId": "req-1", "batchId": "b-1", "uid": "jdoe", "delivery": {"channel": "{{{ProcessingRig.Channel}}}", "address": "{{{Deliveries.Address}}}"}, "lifetimeSeconds": {{{lifetime}}}}""");

    [Fact]
    public async Task A_token_without_a_requested_lifetime_gets_Token_Lifetime_written_beside_it()
    {
        _rig.Time.Advance(TimeSpan.FromMilliseconds(1500));
        await _rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe"));

        var metadata = Assert.Single(_rig.Directory.Metadata);
        var issued = TokenMetadata.ToSeconds(_rig.Time.GetUtcNow());
        Assert.Equal(issued, metadata.IssuedAt);
        Assert.Equal(issued.AddDays(7), metadata.NotAfter);
        Assert.Equal(TokenDigest.Sha256Hex(_rig.Directory.Tokens["uid=jdoe"]), metadata.TokenSha256);
        Assert.Equal("req-1", metadata.RequestId);
        Assert.Equal(issued.AddDays(7), Assert.Single(_rig.Publisher.Results).ExpiresAt);
        Assert.Equal(issued.AddDays(7), Assert.Single(_rig.Publisher.Notices).ExpiresAt);
    }

    [Fact]
    public async Task A_requested_lifetime_sets_the_expiry()
    {
        await _rig.RunAsync(Enrollment("30"));

        var metadata = Assert.Single(_rig.Directory.Metadata);
        Assert.Equal(metadata.IssuedAt.AddSeconds(30), metadata.NotAfter);
        Assert.Equal("b-1", metadata.BatchId);
        Assert.Equal(metadata.NotAfter, Assert.Single(_rig.Publisher.Results).ExpiresAt);
    }

    [Fact]
    public async Task A_request_asking_more_than_Token_MaxLifetime_fails_at_once_and_nothing_is_written()
    {
        var delivery = await _rig.RunAsync(Enrollment("604801"));

        var result = Assert.Single(_rig.Publisher.Results);
        Assert.Equal(ResultStatus.Failed, result.Status);
        Assert.Equal(ErrorCodes.LifetimeTooLong, result.Error!.Code);
        Assert.Equal(0, _rig.Directory.Calls);
        Assert.Empty(_rig.Publisher.Notices);
        Assert.Single(_rig.DeadLetters.Letters);
        Assert.Equal(1, delivery.Acks);
    }

    [Fact]
    public async Task With_Token_Lifetime_zero_a_token_never_expires()
    {
        using var rig = new ProcessingRig(tokens: new TokenOptions { Lifetime = TimeSpan.Zero, MaxLifetime = TimeSpan.Zero });
        await rig.RunAsync(Deliveries.Enrollment("req-1", "jdoe"));

        Assert.Null(Assert.Single(rig.Directory.Metadata).NotAfter);
        Assert.Null(Assert.Single(rig.Publisher.Results).ExpiresAt);
        Assert.DoesNotContain("expiresAt", System.Text.Encoding.UTF8.GetString(MessageJson.ToUtf8(rig.Publisher.Results[0])), StringComparison.Ordinal);
    }
}
