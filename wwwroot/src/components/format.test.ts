import { describe, expect, it } from 'vitest';
import { readValue, showValue } from '../pages/editor/configValue';
import { ago, duration, errorText, usageOf } from './format';

describe('format', () => {
  it('Ago_Offsets_HumanUnits', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(ago('2026-01-01T23:59:58Z', now)).toBe('just now');
    expect(ago('2026-01-01T23:59:00Z', now)).toBe('1m ago');
    expect(ago('2026-01-01T21:00:00Z', now)).toBe('3h ago');
    expect(ago('2025-12-30T00:00:00Z', now)).toBe('3d ago');
    expect(ago(null, now)).toBe('—');
  });

  it('Duration_Ranges_Units', () => {
    expect(duration(12)).toBe('12 ms');
    expect(duration(1500)).toBe('1.50 s');
    expect(duration(125000)).toBe('2m 5s');
    expect(duration(null)).toBe('—');
  });

  it('UsageOf_LimitOrNone_TextAndFraction', () => {
    expect(usageOf(25, 100)).toEqual({ text: '25 / 100', fraction: 0.25 });
    expect(usageOf(250, 100).fraction).toBe(1);
    expect(usageOf(3, null)).toEqual({ text: '3 / ∞', fraction: 0 });
  });

  it('ErrorText_Shapes_Message', () => {
    expect(errorText({ code: 'wasm_trap', message: 'unreachable' })).toBe('wasm_trap: unreachable');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(null)).toBe('');
  });

  it('ConfigValue_RoundTrip_TypedScalarsAndFlow', () => {
    expect(readValue('0.2')).toBe(0.2);
    expect(readValue('true')).toBe(true);
    expect(readValue('[a, b]')).toEqual(['a', 'b']);
    expect(readValue('gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(readValue('{unclosed')).toBe('{unclosed');
    expect(showValue({ model: 'x', t: 1 })).toBe('{model: x, t: 1}');
    expect(showValue('text')).toBe('text');
  });
});
