using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace SharedSecretWorker.Tests.Integration.Telemetry;

/// <summary>Keeps every log entry of every level: message, structured values, scopes and exceptions.</summary>
internal sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append('[').Append(eventId.Id).Append("] ")
                .Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (key, value) in values) entry.Append(" | ").Append(key).Append('=').Append(value);
            owner._scopes?.ForEachScope((scope, text) => text.Append(" | scope=").Append(scope), entry);
            if (exception is not null) entry.Append('\n').Append(exception);
            owner._entries.Enqueue(entry.ToString());
        }
    }
}
