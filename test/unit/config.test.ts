import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/config';

describe('configuration', () => {
  it('has development defaults and generates a throw-away JWT secret', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ env: 'development', port: 4000, demoData: true, jwtSecretGenerated: true, introspection: true });
    expect(c.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('refuses production without a JWT secret and never loads demo data there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required in production/);
    const c = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(c.demoData).toBe(false);
    expect(c.introspection).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DEMO_DATA: 'true' })).toThrow(/DEMO_DATA/);
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short', NODE_ENV: 'staging' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'DATABASE_URL', 'JWT_SECRET', 'NODE_ENV']) expect(problems).toContain(name);
    }
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseUrl).toBeUndefined();
  });

  it('reads the campaign settings and names a bad one', () => {
    const c = loadConfig({ TARGET_ENTERPRISE: '0.95', RANKING_WEIGHTS: 'zero=50, response=50', WARN_OPEN_HAZARDS: '5' }).campaign;
    expect(c.targets).toEqual({ VILLAGE_COMMUNITY: 0.8, ENTERPRISE: 0.95, INSTITUTION: 0.9 });
    expect(c.weights).toEqual({ zero: 50, response: 50, onTime: 0, satisfaction: 0, stock: 0, standards: 0 });
    expect(c.warnings.openHazards).toBe(5);
    expect(() => loadConfig({ TARGET_INSTITUTION: '1.5' })).toThrow(/TARGET_INSTITUTION/);
    expect(() => loadConfig({ RANKING_WEIGHTS: 'zero=1,speed=2' })).toThrow(/RANKING_WEIGHTS: "speed" is not one of/);
    expect(() => loadConfig({ RANKING_WEIGHTS: 'zero=0' })).toThrow(/RANKING_WEIGHTS: at least one weight/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be 24 to 200 printable characters/);
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(24) }).metricsToken).toBe('a'.repeat(24));
  });

  it('names the allowed range of a number out of range, not "must be a number"', () => {
    expect(() => loadConfig({ CHAT_RATE_PER_MINUTE: '100000' })).toThrow(/CHAT_RATE_PER_MINUTE: must be a whole number from 1 to 1000/);
    expect(() => loadConfig({ CHAT_RATE_PER_MINUTE: 'fast' })).toThrow(/CHAT_RATE_PER_MINUTE: must be a whole number from 1 to 1000/);
    expect(() => loadConfig({ CHAT_RATE_PER_MINUTE: '2.5' })).toThrow(/CHAT_RATE_PER_MINUTE: must be a whole number from 1 to 1000/);
    expect(() => loadConfig({ UPLOAD_MAX_MB: '0' })).toThrow(/UPLOAD_MAX_MB: must be a number above 0 and at most 50/);
    expect(() => loadConfig({ TARGET_ENTERPRISE: '2' })).toThrow(/TARGET_ENTERPRISE: must be a number from 0 to 1/);
  });

  it('keeps part of the pool for light requests and refuses shares that would take all of it', () => {
    const c = loadConfig({ DB_POOL_MAX: '8' });
    expect(c.fairShare).toMatchObject({ heavyConnections: 4, connectionsPerClient: 2, requestsPerClient: 4 });
    expect(() => loadConfig({ DB_POOL_MAX: '4', HEAVY_CONNECTIONS: '4' })).toThrow(/HEAVY_CONNECTIONS: must be less than DB_POOL_MAX \(4\)/);
    expect(() => loadConfig({ DB_POOL_MAX: '2', FAIR_SHARE_CONNECTIONS: '2' })).toThrow(/FAIR_SHARE_CONNECTIONS: must be less than DB_POOL_MAX/);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_SECONDS: '300', HTTP_REQUEST_TIMEOUT_SECONDS: '60' })).toThrow(/HTTP_HEADERS_TIMEOUT_SECONDS/);
  });

  it('lists every variable in .env.example, with values it accepts', () => {
    const text = readFileSync(path.join(__dirname, '../../.env.example'), 'utf8');
    const listed = Object.fromEntries([...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(listed).sort()).toEqual([...CONFIG_VARIABLES].sort());
    expect(() => loadConfig(listed)).not.toThrow();
  });
});
