using SharedSecretWorker.Contracts.Messages;
using SharedSecretWorker.Contracts.Requests;

namespace SharedSecretWorker.Processing;

/// <summary>
/// Adds a request's delivery to its result for the audit trail (docs/messages.md, "Results"): the channel
/// as the request named it and the address only as its keyed digest (<see cref="IAddressDigest"/>), never in
/// clear. A request without a delivery (a clear) leaves the result as it is.
/// </summary>
internal static class ResultDelivery
{
    public static ResultMessage WithDeliveryOf(this ResultMessage result, WorkRequest request, IAddressDigest addresses) =>
        request.Delivery is { } delivery
            ? result with { Channel = delivery.Channel, AddressHmac = addresses.Of(delivery.Address) }
            : result;
}
