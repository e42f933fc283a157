import { formatCountdown, formatPrice, twoDecimals } from './format';

describe('formatCountdown', () => {
  it('shows minutes and seconds, rounding a part-second up so 00:00 means time is up', () => {
    expect(formatCountdown(15 * 60 * 1000)).toBe('15:00');
    expect(formatCountdown(61_000)).toBe('01:01');
    expect(formatCountdown(4_001)).toBe('00:05');
    expect(formatCountdown(1)).toBe('00:01');
    expect(formatCountdown(0)).toBe('00:00');
  });

  it('never goes negative, and lets minutes run past an hour', () => {
    expect(formatCountdown(-5_000)).toBe('00:00');
    expect(formatCountdown(75 * 60 * 1000)).toBe('75:00');
  });
});

describe('prices', () => {
  it('formats money with two decimals', () => {
    expect(formatPrice(120.5)).toBe('$120.50');
    expect(formatPrice(1000000)).toBe('$1,000,000.00');
  });

  it('shows a typed price with two decimals, leaving what is no number alone', () => {
    expect(twoDecimals('12')).toBe('12.00');
    expect(twoDecimals(' 9.5 ')).toBe('9.50');
    expect(twoDecimals('')).toBe('');
    expect(twoDecimals('abc')).toBe('abc');
  });
});
