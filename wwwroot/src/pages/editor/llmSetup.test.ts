import { describe, expect, it } from 'vitest';
import { setFirstBackend } from '../../flow/edits';
import { parseFlow } from '../../flow/model';
import { backendFor, providerChoice } from './LlmSetup';

const base = `organism: {name: a}
payloads:
  Q: {fields: {Text: string}}
listeners:
  - {name: desk, description: d, payload_class: Q, handler: llm, agent: true, config: {model: gpt-4o-mini}}
`;

describe('LLM set-up', () => {
  it('the provider selector writes the first backend, creating the llm section when missing', () => {
    const withMock = setFirstBackend(base, backendFor('mock'));
    expect(parseFlow(withMock).model!.llmBackends).toEqual([{ provider: 'mock', baseUrl: undefined, apiKeySecret: undefined, name: undefined }]);
    const anthropic = setFirstBackend(withMock, backendFor('anthropic'));
    expect(parseFlow(anthropic).model!.llmBackends[0]).toMatchObject({ provider: 'anthropic', apiKeySecret: 'ANTHROPIC_API_KEY' });
    expect(parseFlow(anthropic).model!.llmBackends).toHaveLength(1);
  });

  it('an openai backend on another server reads as "any OpenAI-compatible URL"', () => {
    expect(providerChoice({ provider: 'openai', baseUrl: 'http://127.0.0.1:8000/v1' })).toBe('compatible');
    expect(providerChoice({ provider: 'openai', baseUrl: 'https://api.openai.com/v1' })).toBe('openai');
    expect(providerChoice(undefined)).toBe('openai');
  });
});
