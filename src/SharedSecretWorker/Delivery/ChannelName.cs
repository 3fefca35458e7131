namespace SharedSecretWorker.Delivery;

/// <summary>
/// Syntax of a configured channel name: it becomes the routing key of the channel's notices,
/// so it is one topic-exchange word (no <c>.</c>, <c>*</c>, <c>#</c>), ASCII letters, digits,
/// <c>-</c> and <c>_</c>.
/// </summary>
internal static class ChannelName
{
    public static string? Validate(string channel)
    {
        var key = $"{DeliveryOptions.SectionName}:Channels:{channel}";
        if (channel.Length == 0 || channel.Length > DeliveryOptions.MaxChannelNameLength)
            return $"{key}: a channel name is 1 to {DeliveryOptions.MaxChannelNameLength} characters.";
        foreach (var c in channel)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                return $"{key}: a channel name is one routing-key word of A-Z a-z 0-9 - _ (it is the routing key of its delivery notices).";
        }
        return null;
    }
}
