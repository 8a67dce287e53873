import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { TriggerInfo } from '../../api/types';
import type { FlowModel, TriggerModel } from '../../flow/model';
import { CopyButton } from '../../components/CopyButton';

export interface FlowFacts {
  id: string;
  status: string;
  /** Changes on every save, so the stored triggers are fetched again. */
  version: number;
  readOnly: boolean;
}

/** A JSON body that fits the trigger's payload class, for the curl example. */
export function sampleBody(model: FlowModel, payloadClass: string): string {
  const fields = model.payloads[payloadClass] ?? [];
  const sample: Record<string, unknown> = {};
  for (const f of fields) sample[f.name] = f.type === 'int' || f.type === 'integer' || f.type === 'number' || f.type === 'float' ? 1 : f.type === 'bool' || f.type === 'boolean' ? true : 'hello';
  return JSON.stringify(sample);
}

export function curlExample(url: string, body: string): string {
  return `curl -X POST '${url}' \\\n  -H 'Content-Type: application/json' \\\n  -d '${body.replace(/'/g, "'\\''")}'`;
}

/**
 * What a trigger does once saved: the webhook's URL (public_url honoured by the server) with copy,
 * a curl example and Rotate; a schedule's next fire times; a note while the flow is stopped.
 */
export function TriggerDetails({ t, model, flow }: { t: TriggerModel; model: FlowModel; flow: FlowFacts }) {
  const [stored, setStored] = useState<TriggerInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.triggers(flow.id).then((x) => live && setStored(x), (e) => live && setError(errorMessage(e)));
    return () => { live = false; };
  }, [flow.id, flow.version]);
  const info = stored?.find((x) => x.name === t.name && x.type === t.type);
  const rotate = async () => {
    if (!confirm(`Rotate the URL of '${t.name}'? The current URL stops working at once.`)) return;
    try {
      const r = await api.rotateTrigger(flow.id, t.name);
      setStored((s) => s?.map((x) => (x.name === t.name ? { ...x, url: r.url } : x)) ?? s);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <div className="trigger-details" data-testid="trigger-details">
      {flow.status !== 'running' && (
        <p className="draft-banner small" data-testid="trigger-stopped">
          The flow is stopped: {t.type === 'webhook' ? 'its webhook answers 404 "the flow is stopped; start it"' : t.type === 'schedule' ? 'the schedule does not fire' : 'it starts when you run it'} until you start it.
        </p>
      )}
      {error && <p className="error-banner small">{error}</p>}
      {stored && !info && t.type !== 'manual' && <p className="muted small" data-testid="trigger-unsaved">Save the flow to get this trigger's {t.type === 'webhook' ? 'URL' : 'schedule'}.</p>}
      {t.type === 'webhook' && info?.url && (
        <>
          <label className="field"><span>Webhook URL</span>
            <div className="row">
              <input readOnly value={info.url} data-testid="trigger-url" onFocus={(e) => e.currentTarget.select()} />
              <CopyButton text={info.url} testId="trigger-copy" />
            </div>
          </label>
          <label className="field"><span>Try it</span>
            <pre className="curl" data-testid="trigger-curl">{curlExample(info.url, sampleBody(model, t.payload))}</pre>
          </label>
          <CopyButton text={curlExample(info.url, sampleBody(model, t.payload))} label="Copy curl" testId="trigger-copy-curl" />
          {!flow.readOnly && <button onClick={() => void rotate()} data-testid="trigger-rotate">Rotate URL</button>}
        </>
      )}
      {t.type === 'schedule' && info && (
        <div className="field"><span>Next fire times ({info.timezone ?? 'UTC'})</span>
          {info.nextFireTimes?.length
            ? <ul className="small" data-testid="trigger-next">{info.nextFireTimes.map((x) => <li key={x}>{new Date(x).toLocaleString()}</li>)}</ul>
            : <p className="muted small">No fire time: check the cron expression.</p>}
        </div>
      )}
    </div>
  );
}
