import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serverMethods } from './hub';

describe('the SignalR client', () => {
  it('knows every method the server calls (IEventsClient.cs), so none logs "No client method"', () => {
    const cs = readFileSync(new URL('../../../src/Nextra.Modules/Observability/IEventsClient.cs', import.meta.url), 'utf8');
    const server = [...cs.matchAll(/Task (\w+)\(/g)].map((m) => m[1]).sort();
    expect(server.length).toBeGreaterThan(0);
    expect([...serverMethods].sort()).toEqual(server);
  });
});
