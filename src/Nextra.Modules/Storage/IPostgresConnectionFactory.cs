using Npgsql;

namespace Nextra.Modules.Storage;

/// <summary>
/// The one place Postgres connections come from (hosted mode, <c>[storage] provider = "postgres"</c>): one pooled
/// <see cref="NpgsqlDataSource"/> for the process. Every logical database of <see cref="Databases"/> lives in the
/// same Postgres database.
/// </summary>
public interface IPostgresConnectionFactory
{
    NpgsqlDataSource DataSource { get; }

    /// <summary>Opens a pooled connection.</summary>
    ValueTask<NpgsqlConnection> OpenAsync(CancellationToken ct = default);
}
