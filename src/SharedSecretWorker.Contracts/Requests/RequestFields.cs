namespace SharedSecretWorker.Contracts.Requests;

/// <summary>The JSON member names of a version-1 request, spelled as the contract does (case-sensitive).</summary>
internal static class RequestFields
{
    public const string Version = "version";
    public const string Kind = "kind";
    public const string RequestId = "requestId";
    public const string BatchId = "batchId";
    public const string Uid = "uid";
    public const string Serial = "serial";
    public const string Delivery = "delivery";
    public const string Channel = "channel";
    public const string Address = "address";
    public const string LifetimeSeconds = "lifetimeSeconds";

    /// <summary>Path of a member of <c>delivery</c>, as messages name it.</summary>
    public const string DeliveryChannel = "delivery.channel";

    /// <summary>Path of a member of <c>delivery</c>, as messages name it.</summary>
    public const string DeliveryAddress = "delivery.address";

    public static readonly string[] TopLevel = [Version, Kind, RequestId, BatchId, Uid, Serial, Delivery, LifetimeSeconds];

    public static readonly string[] InDelivery = [Channel, Address];
}
