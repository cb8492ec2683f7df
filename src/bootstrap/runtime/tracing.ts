import type { TracingSettings } from '../tracing-settings.ts';

/** The process's tracing: on or off, and how to flush what it holds at shutdown. */
export interface Tracing {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

export const TRACING_OFF: Tracing = { enabled: false, shutdown: async () => {} };

/**
 * Starts the OpenTelemetry SDK when tracing is configured; with tracing off nothing of the SDK
 * is even loaded (dynamic imports below), and the API the adapters call stays a no-op. Registers
 * the global tracer provider (batching exporter, sampler from the settings, resource from
 * OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, else `service.name` = serviceName) and the
 * AsyncLocalStorage context manager, which is what carries the active span across awaits.
 */
export async function startTracing(
  settings: TracingSettings | undefined,
  serviceName: string,
): Promise<Tracing> {
  if (!settings) return TRACING_OFF;
  const [api, sdk, hooks, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/resources'),
  ]);
  const processors = await Promise.all(
    settings.exporters.map(async (name) => {
      if (name === 'console')
        return new sdk.SimpleSpanProcessor({ exporter: new sdk.ConsoleSpanExporter() });
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      return new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter(), ...settings.batch });
    }),
  );
  const ratio = new sdk.TraceIdRatioBasedSampler(settings.ratio);
  const root = {
    always_on: new sdk.AlwaysOnSampler(),
    always_off: new sdk.AlwaysOffSampler(),
    traceidratio: ratio,
  };
  const sampler = settings.sampler.startsWith('parentbased_')
    ? new sdk.ParentBasedSampler({
        root: root[settings.sampler.slice('parentbased_'.length) as keyof typeof root],
      })
    : root[settings.sampler as keyof typeof root];
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': serviceName }))
    .merge(
      resources.detectResources({
        detectors: [resources.resourceAttributesEnvDetector, resources.serviceNameEnvDetector],
      }),
    );
  const provider = new sdk.TracerProvider({ sampler, resource, spanProcessors: processors });
  api.context.setGlobalContextManager(new hooks.AsyncLocalStorageContextManager().enable());
  api.trace.setGlobalTracerProvider(provider);
  return { enabled: true, shutdown: () => provider.shutdown() };
}
