import { safeReturnPath } from './return-path';

describe('safeReturnPath', () => {
  it.each([
    ['/orders/1', '/orders/1'],
    ['/tickets/abc?from=home#chart', '/tickets/abc?from=home#chart'],
    ['/sell', '/sell'],
    ['/a/b/../c', '/a/c'],
  ])('keeps the path %j on this site', (next, expected) => {
    expect(safeReturnPath(next)).toBe(expected);
  });

  // What a decoded `?next=` can hold: each of these would leave the site or break the redirect.
  it.each([
    ['protocol-relative', '//evil.example'],
    ['backslash', '/\\evil.example'],
    ['backslash after a slash', '/\\/evil.example'],
    ['tab (/%09/evil)', '/\t/evil.example/phish'],
    ['newline (/%0a/x)', '/\n/x'],
    ['carriage return', '/\r/evil.example'],
    ['NUL', '/\u0000/evil.example'],
    ['DEL', '/\u007f/evil.example'],
    ['absolute URL', 'https://evil.example'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['dot segments up to //', '/a/../..//evil.example'],
    ['encoded dot segments up to //', '/%2e%2e//evil.example'],
    ['still encoded once (%2F%2F)', '%2F%2Fevil.example'],
    ['still encoded once (%09)', '%09/evil.example'],
    ['no leading slash', 'evil.example'],
    ['empty', ''],
    ['absent', undefined],
    ['null', null],
  ])('sends %s home', (_name, next) => {
    expect(safeReturnPath(next)).toBe('/');
  });

  it('keeps percent-encoded slashes encoded: they stay one path segment on this site', () => {
    expect(safeReturnPath('/%2F%2Fevil.example')).toBe('/%2F%2Fevil.example');
    expect(safeReturnPath('/%09/evil.example')).toBe('/%09/evil.example');
  });
});
