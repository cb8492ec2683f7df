import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createPinoLogger,
  resolveLogFormat,
  type LogFormat,
} from '../../src/adapters/logging/pino-logger.ts';
import { ConfigError, loadConfig } from '../../src/bootstrap/config.ts';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => lines.join('') };
}

describe('LOG_FORMAT', () => {
  it.each<[LogFormat, boolean, 'json' | 'pretty']>([
    ['auto', true, 'pretty'], // a person at a terminal (npm start)
    ['auto', false, 'json'], // a pipe, a file, a container's log driver
    ['json', true, 'json'],
    ['json', false, 'json'],
    ['pretty', true, 'pretty'],
    ['pretty', false, 'pretty'],
  ])('%s with stdout a terminal: %s → %s', (format, terminal, expected) => {
    expect(resolveLogFormat(format, terminal)).toBe(expected);
  });

  it('defaults to auto, accepts json and pretty, and names the variable when it is wrong', () => {
    expect(loadConfig({}).LOG_FORMAT).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(/^invalid configuration: LOG_FORMAT:/);
  });

  it('writes one JSON object per line in json, and to a stream that is no terminal in auto', () => {
    for (const format of ['json', 'auto'] as const) {
      const out = sink();
      createPinoLogger('info', 'coupon-test', out.stream, format).info(
        { userId: 'u-1' },
        'coupon issued',
      );
      const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
      expect(line).toMatchObject({ level: 30, msg: 'coupon issued', userId: 'u-1' });
    }
  });

  it('writes readable lines in pretty, still escaping what a client sent', () => {
    const out = sink();
    createPinoLogger('info', 'coupon-test', out.stream, 'pretty').warn(
      { path: '/x"\nFORGED' },
      'dependency unavailable',
    );
    const text = out.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(text).toMatch(/WARN.*\(coupon-test\): .*dependency unavailable/);
    expect(text).toContain(String.raw`"/x\"\nFORGED"`);
    expect(text).not.toMatch(/^FORGED/m);
  });
});
