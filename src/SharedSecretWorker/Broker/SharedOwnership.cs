namespace SharedSecretWorker.Broker;

/// <summary>
/// The current <see cref="ConsumerOwnership"/> of a <see cref="ConsumerGroup"/>, which all its consumers'
/// deliveries carry. It is not owned until the group registers (<see cref="Begin"/>), and once lost or
/// released it stays so until the group registers again: deliveries that an automatic recovery brings
/// before that are not this worker's to act on.
/// </summary>
internal sealed class SharedOwnership
{
    private ConsumerOwnership _current = ConsumerOwnership.Ended();

    public ConsumerOwnership Current => Volatile.Read(ref _current);

    /// <summary>A new ownership, just before the group's consumers register.</summary>
    public void Begin() => Volatile.Write(ref _current, new ConsumerOwnership());

    /// <summary>A channel of the group shut down.</summary>
    public void Lose() => Current.Lose();
}
