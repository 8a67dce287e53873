// Pure merging of live events into what the run pages show.
import type { Run, RunSummary, Step } from '../../api/types';

/** Newest first; an update replaces the run with the same id. */
export function mergeSummary(list: RunSummary[], s: RunSummary): RunSummary[] {
  const i = list.findIndex((x) => x.runId === s.runId);
  if (i < 0) return [s, ...list];
  const copy = [...list];
  copy[i] = { ...copy[i], ...s };
  return copy;
}

/** The server may send null for empty lists (a failed step has no payloads out). */
export function normalizeRun(r: Run): Run {
  return { ...r, outputs: r.outputs ?? [], steps: (r.steps ?? []).map((s) => ({ ...s, payloadsOut: s.payloadsOut ?? [] })) };
}

/** Inserts or replaces a step by index, keeping steps ordered. */
export function mergeStep(run: Run, step: Step): Run {
  const steps = run.steps.filter((s) => s.index !== step.index);
  steps.push({ ...step, payloadsOut: step.payloadsOut ?? [] });
  steps.sort((a, b) => a.index - b.index);
  return { ...run, steps };
}

export function isLive(status: string | undefined): boolean {
  return status === 'running' || status === 'queued' || status === 'pending' || status === 'starting';
}

export function totals(run: Run): { fuel: number; promptTokens: number; completionTokens: number; costUsd: number } {
  let fuel = 0, promptTokens = 0, completionTokens = 0, costUsd = 0;
  for (const s of run.steps) {
    fuel += s.fuel ?? 0;
    promptTokens += s.promptTokens ?? 0;
    completionTokens += s.completionTokens ?? 0;
    costUsd += s.costUsd ?? 0;
  }
  return { fuel, promptTokens, completionTokens, costUsd };
}

/** Offsets of each step from the run start, for the timeline bars (0..1). */
export function timeline(run: Run): { index: number; left: number; width: number }[] {
  const t0 = Date.parse(run.startedAt);
  const ends = run.steps.map((s) => Date.parse(s.startedAt) - t0 + (s.durationMs ?? 0));
  const total = Math.max(run.durationMs ?? 0, ...ends, 1);
  return run.steps.map((s) => {
    const start = Math.max(0, Date.parse(s.startedAt) - t0);
    return { index: s.index, left: start / total, width: Math.max(0.005, (s.durationMs ?? 0) / total) };
  });
}
