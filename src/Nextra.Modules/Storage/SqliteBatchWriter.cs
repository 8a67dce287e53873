using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Nextra.Modules.Common;

namespace Nextra.Modules.Storage;

/// <summary>
/// Group commit: one writer task per database file takes every queued write and commits them in
/// one transaction, then completes each caller. Thousands of small durable writes per second
/// cost one WAL append each batch instead of one transaction each.
/// </summary>
[ModuleContract("the storage stack's batched SQLite writer the SQLite inbox and trace stores share")]
public sealed class SqliteBatchWriter : IAsyncDisposable
{
    private readonly Channel<(Action<SqliteConnection, SqliteTransaction> Work, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(Action<SqliteConnection, SqliteTransaction>, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ISqliteConnectionFactory _factory;
    private readonly string _database;
    private readonly int _maxBatch;
    private readonly Task _loop;

    internal SqliteBatchWriter(ISqliteConnectionFactory factory, string database, int maxBatch = 512)
    {
        _factory = factory;
        _database = database;
        _maxBatch = maxBatch;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Writes queued and not yet committed.</summary>
    public int Pending => Volatile.Read(ref _pending);
    private int _pending;

    /// <summary>Queues one unit of work; the task completes when its transaction has committed (or faults with the error).</summary>
    public Task WriteAsync(Action<SqliteConnection, SqliteTransaction> work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite((work, done)))
        {
            Interlocked.Decrement(ref _pending);
            done.SetException(new ObjectDisposedException(nameof(SqliteBatchWriter)));
        }
        return done.Task;
    }

    /// <summary>
    /// Queues work that need not be durable at once (e.g. removing an inbox row whose trace has committed: a lost delete is
    /// repaired by recovery): it rides along with the next commit instead of costing one of its own, or is committed on
    /// its own after <see cref="DeferMilliseconds"/> when nothing else is written. The task completes once it committed.
    /// </summary>
    public Task WriteDeferredAsync(Action<SqliteConnection, SqliteTransaction> work)
    {
        if (Volatile.Read(ref _closed)) return WriteAsync(work); // fails: the writer is closed
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _pending);
        _deferred.Enqueue((work, done));
        if (Volatile.Read(ref _closed))
        {
            // Closed meanwhile (its last drain may have missed this): fail what is left rather than leave it waiting.
            while (_deferred.TryDequeue(out var left)) left.Done.TrySetException(new ObjectDisposedException(nameof(SqliteBatchWriter)));
        }
        else if (Interlocked.Exchange(ref _flushScheduled, 1) == 0) _ = FlushLaterAsync();
        return done.Task;
    }

    /// <summary>How long deferred work waits for another write to ride along with.</summary>
    public const int DeferMilliseconds = 5;

    private readonly System.Collections.Concurrent.ConcurrentQueue<(Action<SqliteConnection, SqliteTransaction> Work, TaskCompletionSource Done)> _deferred = new();
    private int _flushScheduled;
    private bool _closed;

    private async Task FlushLaterAsync()
    {
        await Task.Delay(DeferMilliseconds).ConfigureAwait(false);
        Volatile.Write(ref _flushScheduled, 0);
        // Written after the flag is cleared: work deferred from now on schedules its own flush.
        if (!_deferred.IsEmpty) _ = WriteAsync(static (_, _) => { });
    }

    private async Task RunAsync()
    {
        using var connection = _factory.Open(_database);
        var batch = new List<(Action<SqliteConnection, SqliteTransaction> Work, TaskCompletionSource Done)>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Again while deferred work is left over a full batch: nothing else would wake the loop for it.
            do
            {
                while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
                while (batch.Count < _maxBatch && _deferred.TryDequeue(out var item)) batch.Add(item);
                Commit(connection, batch);
                Interlocked.Add(ref _pending, -batch.Count);
                batch.Clear();
            }
            while (!_deferred.IsEmpty);
        }
        // Closing: what is still deferred is written now.
        Volatile.Write(ref _closed, true);
        while (_deferred.TryDequeue(out var item)) batch.Add(item);
        if (batch.Count > 0)
        {
            Commit(connection, batch);
            Interlocked.Add(ref _pending, -batch.Count);
        }
    }

    private static void Commit(SqliteConnection connection, List<(Action<SqliteConnection, SqliteTransaction> Work, TaskCompletionSource Done)> batch)
    {
        try
        {
            using var tx = connection.BeginTransaction();
            foreach (var (work, _) in batch) work(connection, tx);
            tx.Commit();
            foreach (var (_, done) in batch) done.TrySetResult();
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One bad write must not fail its neighbours: retry each alone.
            foreach (var item in batch) Commit(connection, [item]);
        }
        catch (Exception ex)
        {
            batch[0].Done.TrySetException(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
