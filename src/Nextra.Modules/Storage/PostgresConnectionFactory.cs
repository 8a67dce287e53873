using Microsoft.Extensions.Options;
using Npgsql;

namespace Nextra.Modules.Storage;

internal sealed class PostgresConnectionFactory : IPostgresConnectionFactory, IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _source;

    public PostgresConnectionFactory(IOptions<StorageOptions> options)
    {
        var o = options.Value;
        _source = new Lazy<NpgsqlDataSource>(() =>
        {
            if (string.IsNullOrWhiteSpace(o.Postgres))
                throw new InvalidOperationException("storage.provider is \"postgres\" but storage.postgres (NEXTRA_STORAGE__POSTGRES) is empty: set it to an Npgsql connection string.");
            // The slim builder: no JSON/dynamic type plugins, which keeps the Native AOT build free of reflection.
            var builder = new NpgsqlSlimDataSourceBuilder(o.Postgres);
            builder.EnableArrays();
            return builder.Build();
        });
    }

    public NpgsqlDataSource DataSource => _source.Value;

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken ct = default) => DataSource.OpenConnectionAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (_source.IsValueCreated) await _source.Value.DisposeAsync().ConfigureAwait(false);
    }
}
