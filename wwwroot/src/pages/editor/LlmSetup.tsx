import type { FlowModel, LlmBackendModel } from '../../flow/model';
import { Field } from './Field';

/** The providers a backend can use, with what each needs. */
export const providers: { value: string; label: string; hint: string }[] = [
  { value: 'openai', label: 'OpenAI', hint: 'key in a secret (api_key_secret), e.g. OPENAI_API_KEY' },
  { value: 'anthropic', label: 'Anthropic', hint: 'key in a secret, e.g. ANTHROPIC_API_KEY' },
  { value: 'xai', label: 'xAI', hint: 'key in a secret, e.g. XAI_API_KEY' },
  { value: 'ollama', label: 'Ollama', hint: 'no key; base_url of your Ollama server (the server must allow it in its egress allow-list)' },
  { value: 'compatible', label: 'Any OpenAI-compatible URL', hint: 'base_url of the server; key optional' },
  { value: 'mock', label: 'Mock (offline, no key)', hint: 'answers from responses: or echoes the payload: for trying a flow and for tests' },
];

/** Model names to suggest per provider (any name is accepted). */
export const modelSuggestions: Record<string, string[]> = {
  openai: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'o4-mini'],
  anthropic: ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'],
  xai: ['grok-4', 'grok-3-mini'],
  ollama: ['llama3.2', 'qwen2.5', 'mistral'],
  compatible: ['gpt-4o-mini', 'llama3.2'],
  mock: ['mock'],
};

/** The selector's value for a backend: a custom base_url on openai is "any OpenAI-compatible URL". */
export function providerChoice(b: LlmBackendModel | undefined): string {
  if (!b) return 'openai';
  return b.provider === 'openai' && b.baseUrl && !b.baseUrl.includes('api.openai.com') ? 'compatible' : b.provider || 'openai';
}

/** The backend entry a choice writes. */
export function backendFor(choice: string): Record<string, unknown> {
  switch (choice) {
    case 'anthropic': return { provider: 'anthropic', api_key_secret: 'ANTHROPIC_API_KEY' };
    case 'xai': return { provider: 'xai', api_key_secret: 'XAI_API_KEY' };
    case 'ollama': return { provider: 'ollama', base_url: 'http://127.0.0.1:11434' };
    case 'compatible': return { provider: 'openai', base_url: 'http://127.0.0.1:8000/v1' };
    case 'mock': return { provider: 'mock' };
    default: return { provider: 'openai', base_url: 'https://api.openai.com/v1', api_key_secret: 'OPENAI_API_KEY' };
  }
}

/** The LLM node's set-up: which provider the flow's first backend uses, and the node's model. */
export function LlmSetup({ model, modelName, readOnly, setBackend, setModel }: {
  model: FlowModel; modelName: string; readOnly: boolean;
  setBackend: (entry: Record<string, unknown>) => void; setModel: (m: string) => void;
}) {
  const b = model.llmBackends[0];
  const choice = providerChoice(b);
  const info = providers.find((p) => p.value === choice);
  return (
    <fieldset data-testid="llm-setup">
      <legend>LLM</legend>
      <label className="field"><span>Provider{model.llmBackends.length > 1 ? ` (first of ${model.llmBackends.length} backends)` : ''}</span>
        <select value={choice} disabled={readOnly} onChange={(e) => setBackend(backendFor(e.target.value))} data-testid="llm-provider">
          {providers.map((p) => <option key={p.value} value={p.value}>{p.label}</option>)}
        </select>
      </label>
      {info && <p className="muted small">{info.hint}</p>}
      {b?.apiKeySecret && <p className="muted small">Key: secret <code>{b.apiKeySecret}</code> (<a href="/settings">Settings → Secrets</a>)</p>}
      <label className="field llm-model"><span>Model</span>
        <Field label="" value={modelName} list="llm-models" onCommit={setModel} disabled={readOnly} testId="llm-model" />
        <datalist id="llm-models">{(modelSuggestions[choice] ?? []).map((m) => <option key={m} value={m} />)}</datalist>
      </label>
    </fieldset>
  );
}
