import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/bootstrap/config.ts';
import { tracingSettings } from '../../src/bootstrap/tracing-settings.ts';

/** Tracing is off unless the standard OTEL_* variables turn it on (docs/operations.md). */
describe('tracingSettings (the standard OTEL_* variables)', () => {
  it('is off by default, and when disabled or the exporter is none', () => {
    expect(tracingSettings({})).toBeUndefined();
    expect(
      tracingSettings({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }),
    ).toBeUndefined();
    expect(
      tracingSettings({
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      }),
    ).toBeUndefined();
  });

  it('is on with an exporter named, or an OTLP endpoint given', () => {
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp' })?.exporters).toEqual(['otlp']);
    expect(
      tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })?.exporters,
    ).toEqual(['otlp']);
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp,console' })?.exporters).toEqual([
      'otlp',
      'console',
    ]);
  });

  it('samples like the SDK by default (parent-based, always on), or as told', () => {
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({
      sampler: 'parentbased_always_on',
      ratio: 1,
      batch: {},
    });
    expect(
      tracingSettings({
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.01',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      }),
    ).toMatchObject({
      sampler: 'parentbased_traceidratio',
      ratio: 0.01,
      batch: { scheduledDelayMillis: 200 },
    });
  });

  it('refuses what it would not honour, naming the variable', () => {
    const refused = (env: NodeJS.ProcessEnv, variable: string) =>
      expect(() => tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp', ...env })).toThrow(
        new RegExp(`^invalid configuration: ${variable}: `),
      );
    refused({ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER');
    refused({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL');
    refused({ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER');
    refused(
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' },
      'OTEL_TRACES_SAMPLER_ARG',
    );
    refused({ OTEL_BSP_SCHEDULE_DELAY: 'soon' }, 'OTEL_BSP_SCHEDULE_DELAY');
    expect(() => tracingSettings({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(ConfigError);
  });
});
