using System.Collections.Concurrent;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Memory;

/// <summary>
/// Per-thread token budgets (xml-pipeline §4.6): created lazily with the current default, checked before
/// each LLM call (estimate = chars/4, at least 100), consumed after; the 75/90/95 % thresholds fire once each.
/// </summary>
public sealed class TokenBudgetRegistry(int defaultMaxTokens = 100_000) : ITokenBudget
{
    private static readonly int[] Thresholds = [75, 90, 95];
    private readonly ConcurrentDictionary<string, ThreadBudget> _budgets = new(StringComparer.Ordinal);

    /// <summary>Applies to budgets created from now on; existing threads keep theirs.</summary>
    public int DefaultMaxTokens { get; set; } = defaultMaxTokens;

    /// <summary>xml-pipeline's estimate: total characters / 4, at least 100.</summary>
    public static int Estimate(string text) => Math.Max(100, (text?.Length ?? 0) / 4);

    public void Check(string threadId, int estimatedTokens)
    {
        var b = Get(threadId);
        lock (b)
        {
            if (b.Used >= b.Max)
            {
                throw new HandlerException("budget_exhausted", $"the thread's token budget of {b.Max} is used up");
            }
            if (b.Used + Math.Max(0, estimatedTokens) > b.Max)
            {
                throw new HandlerException("budget_exhausted",
                    $"the call needs about {estimatedTokens} tokens but the thread has {b.Max - b.Used} of {b.Max} left");
            }
        }
    }

    public IReadOnlyList<int> Consume(string threadId, int tokens)
    {
        var b = Get(threadId);
        lock (b)
        {
            b.Used += Math.Max(0, tokens);
            List<int>? crossed = null;
            foreach (var t in Thresholds)
            {
                if (!b.Fired.Contains(t) && b.Used * 100L >= (long)b.Max * t)
                {
                    b.Fired.Add(t);
                    (crossed ??= []).Add(t);
                }
            }
            return crossed ?? (IReadOnlyList<int>)[];
        }
    }

    public int Remaining(string threadId)
    {
        var b = Get(threadId);
        lock (b)
        {
            return Math.Max(0, b.Max - b.Used);
        }
    }

    public int Used(string threadId) => _budgets.TryGetValue(threadId, out var b) ? b.Used : 0;

    /// <summary>Drops a thread's budget (end of chain or run).</summary>
    public bool Cleanup(string threadId) => _budgets.TryRemove(threadId, out _);

    public int Count => _budgets.Count;

    private ThreadBudget Get(string threadId) => _budgets.GetOrAdd(threadId, static (_, max) => new ThreadBudget(max), DefaultMaxTokens);

    private sealed class ThreadBudget(int max)
    {
        public int Max { get; } = max;
        public int Used { get; set; }
        public HashSet<int> Fired { get; } = [];
    }
}
