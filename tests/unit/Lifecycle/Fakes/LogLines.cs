using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SharedSecretWorker.Tests.Unit.Lifecycle.Fakes;

/// <summary>Every log line with its EventId, for one category.</summary>
internal sealed class LogLines<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(int EventId, LogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(int EventId, LogLevel Level, string Message)> Lines => [.. _lines];

    public IEnumerable<string> Of(int eventId) => _lines.Where(l => l.EventId == eventId).Select(l => l.Message);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
}
