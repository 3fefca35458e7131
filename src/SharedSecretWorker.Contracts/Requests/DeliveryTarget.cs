namespace SharedSecretWorker.Contracts.Requests;

/// <summary>
/// Where the hand-off service sends the passphrase: a configured channel (also the routing key of
/// the delivery notice) and an address on it (an e-mail address, a phone number, ...).
/// </summary>
/// <param name="Channel">Name of a channel configured under <c>Delivery:Channels</c>.</param>
/// <param name="Address">1 to 320 printable characters; the worker does not interpret it.</param>
public sealed record DeliveryTarget(string Channel, string Address);
