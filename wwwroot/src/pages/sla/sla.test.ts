import { describe, expect, it } from 'vitest';
import { millis, percent } from './SlaPage';

describe('SLA formatting', () => {
  it('shows rates as percentages and nothing as a dash', () => {
    expect(percent(1)).toBe('100%');
    expect(percent(0)).toBe('0%');
    expect(percent(0.6667)).toBe('66.67%');
    expect(percent(null)).toBe('—');
  });
  it('shows durations in ms below a second, in seconds above', () => {
    expect(millis(3.25)).toBe('3.3 ms');
    expect(millis(37.5)).toBe('38 ms');
    expect(millis(2500)).toBe('2.50 s');
    expect(millis(null)).toBe('—');
  });
});
