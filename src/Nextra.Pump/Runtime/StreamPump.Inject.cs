using System.Xml.Linq;
using Nextra.Pump.Messages;
using Nextra.Pump.Routing;
using Nextra.Pump.Runs;

namespace Nextra.Pump.Runtime;

public sealed partial class StreamPump
{
    public async Task<RunHandle> InjectAsync(Injection injection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(injection);
        if (_stopping)
        {
            throw new PumpException("pump_stopped", "the pump is stopping and takes no more injections");
        }
        if (!_started)
        {
            throw new PumpException("pump_stopped", "the pump has not been started");
        }
        var state = _state;
        var notes = new List<StepError>();
        var (payload, from, to, thread) = InjectionPayload.Read(injection, state.Flow, state.Schemas, _options.MaxXmlDepth, notes);
        thread = await UnusedThreadAsync(thread, notes, ct).ConfigureAwait(false);
        var className = payload.Name.LocalName;
        var schema = state.Schemas.Find(className) ?? throw InjectionPayload.NotAClass(className, state.Schemas);
        var targets = ResolveInjectionTargets(injection, to, className, state);
        var error = schema.Validate(payload);
        if (error is not null)
        {
            throw new PumpException("payload_invalid", $"the payload does not match {className}: {error}");
        }
        if (injection.PeerTable is { } table && !PeerTables.Exists(table))
        {
            throw new PumpException("unknown_peer_table", $"no peer table '{table}'");
        }

        await WaitForSpaceAsync(ct).ConfigureAwait(false);
        if (_stopping)
        {
            throw new PumpException("pump_stopped", "the pump is stopping and takes no more injections");
        }

        var runId = string.IsNullOrWhiteSpace(injection.RunId) ? "run_" + Guid.NewGuid().ToString("N") : injection.RunId;
        var record = new RunRecord { RunId = runId, Status = "running", StartedAt = _time.GetUtcNow() };
        var safeFrom = Segment(from ?? injection.Source);
        // xml-pipeline §9.11: system.<org>.<target>, or <table>.<org>.<from>.<target>; an external thread is
        // adopted as system.<org>.<from>.<target>. The run's root chain is the injection point.
        var root = injection.PeerTable is { } t ? $"{t}.{state.Flow.Name}.{safeFrom}"
            : thread is not null ? $"system.{state.Flow.Name}.{safeFrom}"
            : $"system.{state.Flow.Name}";
        var run = new RunState(record, root, injection.PeerTable, _time.GetTimestamp()) { FirstStepStarting = injection.FirstStepStarting };
        if (!_runs.TryAdd(runId, run))
        {
            throw new PumpException("duplicate_run", $"run '{runId}' is already running");
        }
        try
        {
            _observer?.RunStarted(record, injection);
        }
        catch (Exception ex)
        {
            Log("warning", $"observer failed on RunStarted: {ex.Message}");
        }
        var timeout = injection.Timeout ?? TimeSpan.FromSeconds(state.Flow.RunTimeoutSeconds);
        if (timeout > TimeSpan.Zero)
        {
            run.Deadline = _time.CreateTimer(static s =>
            {
                var (pump, r, after) = ((StreamPump, RunState, TimeSpan))s!;
                pump.Finish(r, "timed_out", new StepError(StepCodes.RunTimedOut, $"the run did not finish within {after.TotalSeconds:0.###} s"));
            }, (this, run, timeout), timeout, Timeout.InfiniteTimeSpan);
        }

        // Hold the run open while its first messages are queued, so a fast worker cannot complete it early.
        run.AddPending();
        try
        {
            foreach (var note in notes)
            {
                run.AddStep(new RunStep
                {
                    Index = run.NextStepIndex(), Listener = "system", From = from ?? injection.Source, Class = className,
                    Thread = thread ?? "", StartedAt = record.StartedAt, Error = note,
                });
            }
            foreach (var target in targets)
            {
                var chain = root + "." + target.Name;
                string uuid;
                if (thread is not null && targets.Count == 1)
                {
                    await Threads.AdoptAsync(run.Scope, chain, thread, ct).ConfigureAwait(false);
                    uuid = thread;
                }
                else
                {
                    uuid = await Threads.GetOrCreateAsync(run.Scope, chain, ct).ConfigureAwait(false);
                }
                run.TrackThread(uuid);
                Enqueue(new PumpMessage
                {
                    Payload = targets.Count == 1 ? payload : new XElement(payload), Schema = schema, From = from ?? injection.Source,
                    To = target.Name, ThreadId = uuid, Chain = chain, Depth = 0, Run = run,
                }, startsRun: true);
            }
        }
        finally
        {
            if (run.ReleasePending())
            {
                CompleteRun(run);
            }
        }
        return new RunHandle(record, run.Completion.Task, run.Snapshot);
    }

    /// <summary>Threads belong to one run: an external thread id already in use elsewhere gets a fresh one.</summary>
    private async ValueTask<string?> UnusedThreadAsync(string? thread, List<StepError> notes, CancellationToken ct)
    {
        if (thread is null || await Threads.LookupAsync(thread, ct).ConfigureAwait(false) is null)
        {
            return thread;
        }
        var fresh = ThreadRegistry.NewUuid();
        notes.Add(new StepError(StepCodes.ThreadReplaced, $"thread {thread} is in use by another run; replaced by {fresh}"));
        return fresh;
    }

    private static List<ListenerRuntime> ResolveInjectionTargets(Injection inj, string? envelopeTo, string className, PumpState state)
    {
        var to = inj.Target ?? envelopeTo;
        if (to is not null)
        {
            if (!state.ByName.TryGetValue(to, out var listener) || listener.IsSystem)
            {
                throw new PumpException("unknown_target", $"no listener named '{to}'");
            }
            if (!listener.Accepts(className))
            {
                throw new PumpException("payload_invalid", $"listener '{to}' accepts {listener.Def.PayloadClass}, not {className}");
            }
            return [listener];
        }
        var trigger = state.Flow.Triggers.FirstOrDefault(t => t.Payload == className);
        if (trigger is not null && state.ByName.TryGetValue(trigger.Target, out var viaTrigger))
        {
            return [viaTrigger];
        }
        var targets = state.RouteByClass(className, out var error) ?? throw new PumpException("unknown_target", error!);
        return [.. targets];
    }

    /// <summary>Chain segments are dot-separated, so a sender name must not hold dots.</summary>
    private static string Segment(string s)
    {
        var cleaned = s.Replace('.', '_').Replace('|', '_');
        return cleaned.Length == 0 ? "external" : cleaned;
    }
}
