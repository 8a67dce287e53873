import { describe, expect, it } from 'vitest';
import { ApiError, createApi, errorMessage, readCookie } from './client';

interface Call {
  url: string;
  init: RequestInit;
}

function fake(responses: Response[]) {
  const calls: Call[] = [];
  const f = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return responses.shift() ?? new Response(null, { status: 500 });
  }) as unknown as typeof fetch;
  return { calls, f };
}

const json = (status: number, body: unknown, type = 'application/json') => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });

describe('api client', () => {
  it('ReadCookie_SeveralCookies_FindsByName', () => {
    expect(readCookie('a=1; nextra_csrf=abc%3D; b=2', 'nextra_csrf')).toBe('abc=');
    expect(readCookie('a=1', 'nextra_csrf')).toBeNull();
  });

  it('UnsafeMethod_CsrfCookiePresent_SendsHeader', async () => {
    const { calls, f } = fake([json(201, { id: 'f1' }), json(200, [])]);
    const api = createApi({ fetch: f, cookies: () => 'nextra_csrf=tok123' });
    await api.createFlow({ name: 'x', description: '', organismYaml: 'a: 1', canvasState: {} });
    await api.flows();
    const h0 = calls[0].init.headers as Record<string, string>;
    const h1 = calls[1].init.headers as Record<string, string>;
    expect(calls[0].init.method).toBe('POST');
    expect(h0['X-Nextra-Csrf']).toBe('tok123');
    expect(h0['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(calls[0].init.body)).organismYaml).toBe('a: 1');
    expect(h1['X-Nextra-Csrf']).toBeUndefined();
    expect(calls[0].init.credentials).toBe('same-origin');
  });

  it('ProblemDetails_422_BecomesApiErrorWithLines', async () => {
    const body = { status: 422, title: 'Validation failed', detail: 'bad flow', code: 'validation_failed', errors: [{ line: 3, column: 1, code: 'unknown_key', message: 'unknown key x' }] };
    const { f } = fake([json(422, body, 'application/problem+json')]);
    const api = createApi({ fetch: f, cookies: () => '' });
    const err = await api.createFlow({ name: 'x', description: '', organismYaml: '', canvasState: null }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('validation_failed');
    expect(err.errors[0].line).toBe(3);
    expect(errorMessage(err)).toContain('line 3: unknown key x');
  });

  it('Unauthorized_401_CallsHandlerAndThrows', async () => {
    let called = 0;
    const { f } = fake([new Response('', { status: 401, statusText: 'Unauthorized' })]);
    const api = createApi({ fetch: f, cookies: () => '', onUnauthorized: () => called++ });
    const err = await api.me().catch((e) => e);
    expect(err.status).toBe(401);
    expect(err.code).toBe('http_401');
    expect(called).toBe(1);
  });

  it('Unauthorized_WrongPassword_DoesNotCallHandler', async () => {
    let called = 0;
    const { f } = fake([new Response('{"code":"invalid_credentials","title":"Invalid credentials"}', { status: 401 })]);
    const api = createApi({ fetch: f, cookies: () => '', onUnauthorized: () => called++ });
    const err = await api.login('a@b.c', 'x').catch((e) => e);
    expect(err.code).toBe('invalid_credentials');
    expect(called).toBe(0);
  });

  it('NoContent_204_ResolvesUndefined', async () => {
    const { calls, f } = fake([new Response(null, { status: 204 })]);
    const api = createApi({ fetch: f, cookies: () => 'nextra_csrf=t' });
    await expect(api.deleteFlow('a/b')).resolves.toBeUndefined();
    expect(calls[0].url).toBe('/api/flows/a%2Fb');
  });

  it('SdkTypings_404_ReturnsNull', async () => {
    const { f } = fake([new Response('', { status: 404 }), new Response('declare function x(): void;', { status: 200 })]);
    const api = createApi({ fetch: f, cookies: () => '' });
    expect(await api.sdkTypings()).toBeNull();
    expect(await api.sdkTypings()).toContain('declare');
  });

  it('Runs_Query_BuildsQueryString', async () => {
    const { calls, f } = fake([json(200, { items: [], nextBefore: null })]);
    const api = createApi({ fetch: f, cookies: () => '' });
    await api.runs('f1', { status: 'failed', limit: 20 });
    expect(calls[0].url).toBe('/api/flows/f1/runs?status=failed&limit=20');
  });

  it('Import_YamlText_SentAsTextYaml', async () => {
    const { calls, f } = fake([json(201, { id: 'f2' })]);
    const api = createApi({ fetch: f, cookies: () => 'nextra_csrf=c' });
    const flow = await api.importFlow('organism: {name: x}\n');
    expect(flow.id).toBe('f2');
    expect((calls[0].init.headers as Record<string, string>)['Content-Type']).toBe('text/yaml');
    expect(calls[0].init.body).toBe('organism: {name: x}\n');
  });
});
