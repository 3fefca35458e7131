namespace SharedSecretWorker.Processing;

/// <summary>What the worker does with a delivery once its attempt has ended.</summary>
public enum SettlementAction
{
    /// <summary>basic.ack: the request is finished (its result is published).</summary>
    Ack,

    /// <summary>Publish a copy to the retry queue of <see cref="Settlement.RetryStep"/> with the next attempt number, then ack.</summary>
    RetryLater,

    /// <summary>Publish the failed result and a copy with its reason to the dead-letter queue, then ack.</summary>
    DeadLetter,

    /// <summary>basic.nack with requeue: the message goes back to the queue for this or another worker.</summary>
    HandBack,

    /// <summary>Publish a copy with the request's target key to the lane's partitions, then ack (not an attempt).</summary>
    RouteToPartition,
}
