using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SharedSecretWorker.Processing;

namespace SharedSecretWorker.Broker;

/// <summary>Registers the RabbitMQ adapter (sections <c>RabbitMq</c> and <c>Topology</c>).</summary>
public static class BrokerServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates (at start-up) <see cref="RabbitMqOptions"/> and <see cref="TopologyOptions"/>;
    /// registers the connection, the topology, the confirmed publisher behind processing's
    /// <see cref="IMessagePublisher"/>, <see cref="IDelayedDelivery"/>, <see cref="IDeadLetterQueue"/> and <see cref="IPartitionRouting"/>,
    /// and the message pump and the delivery-limit consumer as hosted services (they start consuming after
    /// the services registered before them).
    /// </summary>
    public static IServiceCollection AddBroker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RabbitMqOptions>().Bind(configuration.GetSection(RabbitMqOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TopologyOptions>().Bind(configuration.GetSection(TopologyOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RabbitMqOptions>, RabbitMqOptionsValidator>());

        services.AddSingleton<BrokerConnection>();
        services.AddSingleton(p => new Topology(p.GetRequiredService<IOptions<TopologyOptions>>().Value, p.GetRequiredService<IOptions<RetryOptions>>().Value));
        services.AddSingleton<RabbitMqPublisher>();
        services.AddSingleton<IPublisher>(p => p.GetRequiredService<RabbitMqPublisher>());
        services.AddSingleton<IMessagePublisher, BrokerMessagePublisher>();
        services.AddSingleton<IDelayedDelivery, DelayedDelivery>();
        services.AddSingleton<IDeadLetterQueue, DeadLetterPublisher>();
        services.AddSingleton<IPartitionRouting, PartitionRouting>();
        services.AddSingleton<MessagePump>();
        services.AddHostedService(p => p.GetRequiredService<MessagePump>());
        // After the pump, whose start declares the topology it consumes.
        services.AddSingleton<DeliveryLimitConsumer>();
        services.AddHostedService(p => p.GetRequiredService<DeliveryLimitConsumer>());
        return services;
    }
}
