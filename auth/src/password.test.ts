import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it("uses scrypt with at least OWASP's parameters (N=2^15, r=8, p=3), a 16-byte random salt and a 32-byte key", async () => {
    const stored = await hashPassword('correct horse battery');
    const [scheme, n, r, p, salt, key] = stored.split('$');
    expect(scheme).toBe('scrypt');
    expect(Number(n)).toBeGreaterThanOrEqual(2 ** 15);
    expect(Number(r)).toBeGreaterThanOrEqual(8);
    expect(Number(p)).toBeGreaterThanOrEqual(3);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
    expect(await hashPassword('correct horse battery')).not.toBe(stored);
  });

  it('verifies the right password only, and the hash never contains the password', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).not.toContain('horse');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'md5$abc')).toBe(false);
  });
});
