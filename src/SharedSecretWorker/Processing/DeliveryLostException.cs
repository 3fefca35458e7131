namespace SharedSecretWorker.Processing;

/// <summary>The delivery stopped being this worker's (<see cref="IDeliveryAcknowledgement.IsOwned"/>) while its job ran.</summary>
public sealed class DeliveryLostException(string message) : Exception(message);
