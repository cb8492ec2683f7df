import { ConfigError } from './config.ts';

/** How traces are sampled, as OTEL_TRACES_SAMPLER names it. */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

/** Tracing as the standard OTEL_* variables configure it, when they turn it on. */
export interface TracingSettings {
  readonly exporters: readonly ('otlp' | 'console')[];
  readonly sampler: SamplerName;
  /** The ratio of the *traceidratio samplers (OTEL_TRACES_SAMPLER_ARG, default 1). */
  readonly ratio: number;
  /** The batch span processor's OTEL_BSP_* numbers, those that are set. */
  readonly batch: {
    readonly scheduledDelayMillis?: number;
    readonly maxQueueSize?: number;
    readonly maxExportBatchSize?: number;
    readonly exportTimeoutMillis?: number;
  };
}

/**
 * Whether and how to trace, from the standard OpenTelemetry variables
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/), or
 * undefined for off. OFF BY DEFAULT, unlike the SDK's own default exporter (otlp): tracing is on
 * only when OTEL_TRACES_EXPORTER names an exporter (`otlp`, `console`), or when an OTLP endpoint
 * is set (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and
 * OTEL_TRACES_EXPORTER is unset. OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn it off.
 * OTLP goes over HTTP with JSON bodies (what every collector, Jaeger and Tempo take on 4318); any
 * other OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL is refused rather than silently not understood.
 * A bad value throws ConfigError naming the variable.
 */
export function tracingSettings(env: NodeJS.ProcessEnv): TracingSettings | undefined {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return undefined;
  const named = (env['OTEL_TRACES_EXPORTER'] ?? '').trim().toLowerCase();
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const exporters =
    named === '' ? (endpoint ? ['otlp'] : []) : named.split(',').map((e) => e.trim());
  if (exporters.length === 0 || exporters.includes('none')) return undefined;
  for (const exporter of exporters) {
    if (exporter !== 'otlp' && exporter !== 'console') {
      fail('OTEL_TRACES_EXPORTER', `unknown exporter "${exporter}" (otlp, console or none)`);
    }
  }
  if (exporters.includes('otlp')) {
    for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
      const protocol = env[name]?.trim();
      if (protocol && protocol !== 'http/json') {
        fail(name, `"${protocol}" is not supported; traces are sent as http/json (port 4318)`);
      }
    }
  }
  const sampler = (env['OTEL_TRACES_SAMPLER']?.trim().toLowerCase() ||
    'parentbased_always_on') as SamplerName;
  if (!SAMPLERS.includes(sampler)) {
    fail('OTEL_TRACES_SAMPLER', `unknown sampler "${sampler}" (${SAMPLERS.join(', ')})`);
  }
  const ratio = number(env, 'OTEL_TRACES_SAMPLER_ARG') ?? 1;
  if (sampler.endsWith('traceidratio') && !(ratio >= 0 && ratio <= 1)) {
    fail('OTEL_TRACES_SAMPLER_ARG', 'must be a ratio between 0 and 1');
  }
  const batch = {
    scheduledDelayMillis: number(env, 'OTEL_BSP_SCHEDULE_DELAY'),
    maxQueueSize: number(env, 'OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: number(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    exportTimeoutMillis: number(env, 'OTEL_BSP_EXPORT_TIMEOUT'),
  };
  return {
    exporters: exporters as ('otlp' | 'console')[],
    sampler,
    ratio,
    batch: Object.fromEntries(Object.entries(batch).filter(([, v]) => v !== undefined)),
  };
}

function number(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) fail(name, `"${text}" is not a non-negative number`);
  return value;
}

function fail(name: string, message: string): never {
  throw new ConfigError(`invalid configuration: ${name}: ${message}`);
}
