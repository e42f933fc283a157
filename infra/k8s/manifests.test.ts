import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Health } from '@ticketyboo/common';
import { BACKEND_SERVICES, CLIENT } from '../services/topology';
import { configVars } from './config-vars.test-helpers';
import {
  K8S,
  ROOT,
  ofKind,
  parseYaml,
  readYaml,
  renderOverlay,
  selects,
  unknownContainerFields,
  schemaProblems,
  workloads,
  yamlFiles,
  type Container,
  type HpaObject,
  type IngressObject,
  type K8sObject,
  type ServiceObject,
  type Workload,
} from './manifests.test-helpers';

const HTTP_SERVICES = [...BACKEND_SERVICES.filter((s) => s.prefix).map((s) => s.name), CLIENT.name];
// Declared, but rightly left to their defaults in a cluster: COOKIE_SECURE follows NODE_ENV, which the config sets.
const DEFAULT_IN_CLUSTERS = new Set(['COOKIE_SECURE']);
// Set for others than the service's schema: pg reads PGPASSWORD itself; the shared ConfigMap also serves the client.
const NOT_IN_SCHEMAS = new Set(['PGPASSWORD', 'API_BASE_URL']);

/** The paths the service runtime serves for probes, from the router itself. */
const PROBE_PATHS = (new Health([]).router().stack as { route?: { path: string } }[]).flatMap((l) => (l.route ? [l.route.path] : []));

const secretsTemplate = readYaml(join(K8S, 'secrets.template.yaml')) as K8sObject[];

it('every YAML file of infra/k8s and skaffold.yaml parses', () => {
  const files = [...yamlFiles(K8S), join(ROOT, 'skaffold.yaml')];
  expect(files.length).toBeGreaterThan(15);
  for (const f of files) expect(parseYaml(readFileSync(f, 'utf8'), f).length).toBeGreaterThan(0);
  expect(PROBE_PATHS.sort()).toEqual(['/healthz', '/readyz']);
});

it('the schema check rejects what the API server would (so a pass means something)', () => {
  const bad = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i, ports: [{containerPort: http}]}]}}}\n';
  expect(schemaProblems(bad).join('\n')).toMatch(/containerPort must be integer/);
  expect(schemaProblems('apiVersion: v1\nkind: Servic\nmetadata: {name: x}\n').join('\n')).toMatch(/no schema for v1 Servic/);
});

describe.each(['dev', 'prod'] as const)('infra/k8s/overlays/%s, built by kustomize', (overlay) => {
  const { text, objects } = renderOverlay(overlay);
  const all = workloads(objects);
  const deployment = (name: string) => all.find((w) => w.kind === 'Deployment' && w.metadata.name === name);
  const services = ofKind<ServiceObject>(objects, 'Service');
  const containerOf = (w: Workload): Container => w.spec.template.spec.containers[0]!;
  /** A Secret's or ConfigMap's keys, by the name a reference uses (generated names carry a hash suffix). */
  const keysOf = (kind: 'Secret' | 'ConfigMap', name: string): string[] | undefined => {
    const found = [...objects, ...(kind === 'Secret' && overlay === 'prod' ? secretsTemplate : [])].find(
      (o) => o.kind === kind && o.metadata.name === name,
    );
    return found && Object.keys({ ...found.data, ...found.stringData });
  };

  it('validates against the Kubernetes API schemas, all in the ticketyboo namespace', () => {
    expect(objects.length).toBeGreaterThan(30);
    expect(schemaProblems(text)).toEqual([]);
    for (const o of objects) {
      if (o.kind !== 'Namespace') expect({ o: `${o.kind}/${o.metadata.name}`, ns: o.metadata.namespace }).toEqual({ o: `${o.kind}/${o.metadata.name}`, ns: 'ticketyboo' });
    }
    for (const w of all) for (const c of w.spec.template.spec.containers) expect({ c: c.name, unknown: unknownContainerFields(c) }).toEqual({ c: c.name, unknown: [] });
  });

  it('every Service selects the pods of one workload, on ports its container declares', () => {
    expect(services.length).toBeGreaterThan(10);
    for (const s of services) {
      const targets = all.filter((w) => selects(s.spec.selector, w.spec.template.metadata.labels));
      expect({ service: s.metadata.name, targets: targets.length }).toEqual({ service: s.metadata.name, targets: 1 });
      const portNames = (containerOf(targets[0]!).ports ?? []).map((p) => p.name);
      for (const p of s.spec.ports) expect(portNames).toContain(p.targetPort);
    }
    for (const w of all) expect(selects(w.spec.selector.matchLabels, w.spec.template.metadata.labels)).toBe(true);
  });

  it.each(BACKEND_SERVICES.map((s) => s.name))('%s: probes on the paths the runtime serves, every variable its schema declares set, none it does not', (name) => {
    const w = deployment(name)!;
    expect(w).toBeDefined();
    const c = containerOf(w);
    expect(c.image).toBe(`ticketyboo/${name}`);
    expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(c.startupProbe?.httpGet?.path).toBe('/healthz');
    expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
    for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
      expect(PROBE_PATHS).toContain(p?.httpGet?.path);
      expect((c.ports ?? []).map((port) => port.name)).toContain(p?.httpGet?.port);
    }

    const provided = new Set<string>();
    for (const from of c.envFrom ?? []) {
      const ref = from.configMapRef ?? from.secretRef;
      const keys = keysOf(from.configMapRef ? 'ConfigMap' : 'Secret', ref!.name);
      expect({ ref: ref!.name, found: keys !== undefined }).toEqual({ ref: ref!.name, found: true });
      keys!.forEach((k) => provided.add(k));
    }
    for (const e of c.env ?? []) {
      const secret = e.valueFrom?.secretKeyRef;
      const config = e.valueFrom?.configMapKeyRef;
      if (secret) expect(keysOf('Secret', secret.name)).toContain(secret.key);
      if (config) expect(keysOf('ConfigMap', config.name)).toContain(config.key);
      provided.add(e.name);
    }
    const { declared, required } = configVars(name);
    expect(required).toEqual(expect.arrayContaining(['DATABASE_URL', 'JWT_KEY']));
    expect(required.filter((v) => !provided.has(v))).toEqual([]);
    expect(declared.filter((v) => !provided.has(v) && !DEFAULT_IN_CLUSTERS.has(v))).toEqual([]);
    // A misspelt name would be ignored and its default used without a word.
    expect([...provided].filter((v) => !declared.includes(v) && !NOT_IN_SCHEMAS.has(v))).toEqual([]);
  });

  it.each(BACKEND_SERVICES.map((s) => s.name))('%s: its own PostgreSQL, a StatefulSet on a volume, with the credentials it connects with', (name) => {
    const env = new Map((containerOf(deployment(name)!).env ?? []).map((e) => [e.name, e]));
    const url = new URL(env.get('DATABASE_URL')!.value!);
    const pgService = services.find((s) => s.metadata.name === url.hostname)!;
    const pg = all.find((w) => w.kind === 'StatefulSet' && selects(pgService.spec.selector, w.spec.template.metadata.labels))!;
    expect(pg.spec.volumeClaimTemplates).toHaveLength(1);
    const pgEnv = new Map((containerOf(pg).env ?? []).map((e) => [e.name, e]));
    expect(pgEnv.get('POSTGRES_DB')?.value).toBe(url.pathname.slice(1));
    expect(pgEnv.get('POSTGRES_USER')?.value).toBe(url.username);
    expect(pgEnv.get('POSTGRES_PASSWORD')?.valueFrom?.secretKeyRef).toEqual(env.get('PGPASSWORD')?.valueFrom?.secretKeyRef);
    // One database server per service: no two services share one.
    const others = BACKEND_SERVICES.filter((s) => s.name !== name).map((s) => new URL(containerOf(deployment(s.name)!).env!.find((e) => e.name === 'DATABASE_URL')!.value!).hostname);
    expect(others).not.toContain(url.hostname);
  });

  it('every container has requests and limits, runs as non-root without privilege escalation', () => {
    for (const w of all) {
      expect(w.spec.template.spec.securityContext?.runAsNonRoot).toBe(true);
      for (const c of w.spec.template.spec.containers) {
        expect(Object.keys(c.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
        expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
        // Dev makes the service containers writable for skaffold's file sync; production never.
        if (overlay === 'prod' && w.kind === 'Deployment') expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
      }
    }
  });

  it('the ingress (ingress-nginx, ticketyboo.dev) routes each API prefix to its service and / to the client, as the gateway does', () => {
    const [ingress] = ofKind<IngressObject>(objects, 'Ingress');
    expect(ingress!.spec.ingressClassName).toBe('nginx');
    const rule = ingress!.spec.rules.find((r) => r.host === 'ticketyboo.dev')!;
    const routes = rule.http.paths.map((p) => ({ prefix: p.path, pathType: p.pathType, upstream: p.backend.service.name }));
    const gateway = [...BACKEND_SERVICES.flatMap((s) => (s.prefix ? [{ prefix: s.prefix, upstream: s.name }] : [])), { prefix: CLIENT.prefix, upstream: CLIENT.name }];
    expect(routes).toEqual(gateway.map((g) => ({ ...g, pathType: 'Prefix' })));
    for (const p of rule.http.paths) {
      const svc = services.find((s) => s.metadata.name === p.backend.service.name)!;
      expect(svc.spec.ports.map((port) => port.name)).toContain(p.backend.service.port.name);
    }
    if (overlay === 'prod') expect(ingress!.spec.tls).toEqual([{ hosts: ['ticketyboo.dev'], secretName: 'ticketyboo-tls' }]);
  });

  it('metrics are off the public paths: no ingress path for /metrics, each service pod scraped on its metrics port', () => {
    const [ingress] = ofKind<IngressObject>(objects, 'Ingress');
    const paths = ingress!.spec.rules.flatMap((r) => r.http.paths.map((p) => p.path));
    expect(paths.filter((p) => p.startsWith('/metrics'))).toEqual([]);
    // No Service carries it either, so nothing in front of the cluster can be pointed at it.
    for (const s of services) expect(s.spec.ports.map((p) => p.targetPort)).not.toContain('metrics');
    for (const { name } of BACKEND_SERVICES) {
      const w = deployment(name)!;
      const c = containerOf(w);
      const metricsPort = c.env?.find((e) => e.name === 'METRICS_PORT')?.value;
      const declared = c.ports?.find((p) => p.name === 'metrics')?.containerPort;
      expect({ name, metricsPort, declared: String(declared), annotations: w.spec.template.metadata.annotations }).toEqual({
        name,
        metricsPort: '9464',
        declared: '9464',
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': '/metrics' },
      });
      expect(c.ports?.find((p) => p.name === 'http')?.containerPort).not.toBe(declared);
    }
  });

  it('every HTTP service scales with an HPA, which alone sets its replicas', () => {
    const hpas = ofKind<HpaObject>(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual([...HTTP_SERVICES].sort());
    for (const h of hpas) {
      expect(h.spec.scaleTargetRef.kind).toBe('Deployment');
      expect(deployment(h.spec.scaleTargetRef.name)?.spec.replicas).toBeUndefined();
      expect(h.spec.minReplicas).toBe(overlay === 'prod' ? 2 : 1);
    }
  });

  it('NATS: JetStream on a volume per server, the services pointed at it, stream replicas matching the cluster', () => {
    const nats = all.find((w) => w.metadata.name === 'nats')!;
    expect(nats.kind).toBe('StatefulSet');
    expect(nats.spec.volumeClaimTemplates).toHaveLength(1);
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('nats-config'))!.data!['nats.conf']!;
    expect(config).toMatch(/jetstream\s*\{\s*store_dir:\s*\/data\//);
    const replicas = nats.spec.replicas ?? 1;
    expect(replicas).toBe(overlay === 'prod' ? 3 : 1);
    expect((config.match(/nats:\/\/nats-\d+\.nats-headless:6222/g) ?? []).length).toBe(replicas === 1 ? 0 : replicas);
    const settings = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('ticketyboo-config'))!.data!;
    expect(settings.NATS_STREAM_REPLICAS).toBe(String(replicas));
    const host = new URL(settings.NATS_URL!).hostname;
    expect(selects(services.find((s) => s.metadata.name === host)!.spec.selector, nats.spec.template.metadata.labels)).toBe(true);
  });

  it('Redis: append-only file on a volume, noeviction, where expiration looks for it', () => {
    const redis = all.find((w) => w.metadata.name === 'redis')!;
    expect(redis.spec.volumeClaimTemplates).toHaveLength(1);
    const args = containerOf(redis).args!.join(' ');
    expect(args).toContain('--appendonly yes');
    expect(args).toContain('--maxmemory-policy noeviction');
    const url = containerOf(deployment('expiration')!).env!.find((e) => e.name === 'REDIS_URL')!.value!;
    expect(selects(services.find((s) => s.metadata.name === new URL(url).hostname)!.spec.selector, redis.spec.template.metadata.labels)).toBe(true);
  });
});

it('the Secret template holds JWT_KEY, the Stripe keys and a password per service database', () => {
  const keys = (name: string) => Object.keys(secretsTemplate.find((s) => s.metadata.name === name)!.stringData!).sort();
  expect(keys('ticketyboo-secrets')).toEqual(['JWT_KEY', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']);
  expect(keys('ticketyboo-postgres')).toEqual(BACKEND_SERVICES.map((s) => s.name).sort());
});
