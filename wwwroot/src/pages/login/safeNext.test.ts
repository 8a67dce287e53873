import { describe, expect, it } from 'vitest';
import { safeNext } from './LoginPage';

describe('safeNext', () => {
  it('SafeNext_LocalPath_Kept', () => expect(safeNext('/flow/1/runs')).toBe('/flow/1/runs'));
  it('SafeNext_LoginOrForeignOrEmpty_Dashboard', () => {
    expect(safeNext('/login?next=%2Fx')).toBe('/dashboard');
    expect(safeNext('//evil.example')).toBe('/dashboard');
    expect(safeNext('https://evil.example')).toBe('/dashboard');
    expect(safeNext(null)).toBe('/dashboard');
  });
});
