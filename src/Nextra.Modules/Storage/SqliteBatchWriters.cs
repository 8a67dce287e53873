using System.Collections.Concurrent;
using Nextra.Modules.Common;

namespace Nextra.Modules.Storage;

/// <summary>One group-commit writer per SQLite database, created on first use and drained when the host stops.</summary>
[ModuleContract("the storage stack's one batch writer per database file")]
public sealed class SqliteBatchWriters(ISqliteConnectionFactory factory) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<SqliteBatchWriter>> _writers = new(StringComparer.Ordinal);

    /// <summary>The writer of <paramref name="database"/>.</summary>
    public SqliteBatchWriter For(string database) =>
        _writers.GetOrAdd(database, name => new Lazy<SqliteBatchWriter>(() => new SqliteBatchWriter(factory, name))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers.Values)
        {
            if (writer.IsValueCreated) await writer.Value.DisposeAsync().ConfigureAwait(false);
        }
    }
}
