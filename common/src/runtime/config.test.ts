import { spawnEntry } from '../testing';
import { alwaysSecureCookies, baseConfig, ConfigError, parseConfig, runAloneConfig } from './config';

describe('configuration, parsed once at start', () => {
  it('a service run alone with bad variables names every one of them, then exits 1', async () => {
    const failed = spawnEntry('orders/src/main.ts', {
      ORDER_EXPIRATION_SECONDS: 'abc',
      PORT: '99999',
      JWT_KEY: '',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/never_opened',
    });
    const err = (await failed.then(() => undefined, (e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^exited with 1:/);
    expect(err.message).toMatch(/ORDER_EXPIRATION_SECONDS: must be a positive integer \(got "abc"\)/);
    expect(err.message).toMatch(/PORT: must be a port number .*\(got "99999"\)/);
    expect(err.message).toMatch(/JWT_KEY: must be set/);
    expect(err.message).not.toMatch(/DATABASE_URL/);
  });

  it('defaults what is unset (an empty variable counts as unset), and refuses what is not understood', () => {
    const config = parseConfig(baseConfig, { NATS_STREAM: '', ALLOWED_ORIGINS: ' https://a.example, ,https://b.example ' });
    expect(config).toMatchObject({ PORT: 3000, NATS_STREAM: 'TICKETYBOO', TRUST_PROXY: false, LOG_LEVEL: 'info', ALLOWED_ORIGINS: ['https://a.example', 'https://b.example'] });
    expect(() => parseConfig(baseConfig, { LOG_LEVEL: 'loud', TRUST_PROXY: '10.0.0.300' })).toThrow(ConfigError);
    const alone = () => parseConfig(runAloneConfig(baseConfig), {});
    expect(alone).toThrow(/DATABASE_URL: must be set/);
    expect(alone).toThrow(/JWT_KEY: must be set/);
  });

  it('TRUST_PROXY: none by default, a number of hops, or addresses', () => {
    const trust = (TRUST_PROXY: string) => parseConfig(baseConfig, { TRUST_PROXY }).TRUST_PROXY;
    expect(trust('false')).toBe(false);
    expect(trust('1')).toBe(1);
    expect(trust('loopback')).toBe('loopback');
  });

  it('session cookies are always Secure when COOKIE_SECURE says so, else when NODE_ENV was production at start', () => {
    const secure = (env: Record<string, string>) => alwaysSecureCookies(parseConfig(baseConfig, env));
    expect(secure({})).toBe(false);
    expect(secure({ NODE_ENV: 'production' })).toBe(true);
    expect(secure({ NODE_ENV: 'production', COOKIE_SECURE: 'false' })).toBe(false);
    expect(secure({ COOKIE_SECURE: 'true' })).toBe(true);
  });
});
