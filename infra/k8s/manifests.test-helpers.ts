import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = resolve(__dirname, '../..');
export const K8S = join(ROOT, 'infra/k8s');

/** The parts of Kubernetes objects these checks read; kubernetes-models validated the rest. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: unknown;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
  tcpSocket?: { port: string | number };
  exec?: { command: string[] };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
  [field: string]: unknown;
}

export interface Workload extends K8sObject {
  kind: 'Deployment' | 'StatefulSet';
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    volumeClaimTemplates?: unknown[];
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean } };
    };
  };
}

export interface ServiceObject extends K8sObject {
  kind: 'Service';
  spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] };
}

export interface IngressObject extends K8sObject {
  kind: 'Ingress';
  spec: {
    ingressClassName: string;
    tls?: { hosts: string[]; secretName: string }[];
    rules: { host?: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { name: string } } } }[] } }[];
  };
}

export interface HpaObject extends K8sObject {
  kind: 'HorizontalPodAutoscaler';
  spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
}

/** Every YAML file below a folder. */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

/** Parses every document of a YAML text, failing on any syntax error or warning. */
export function parseYaml(text: string, where: string): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) throw new Error(`${where}: ${problems.map((p) => p.message).join('; ')}`);
    return doc.toJS() as unknown;
  });
}

/** What `kubectl apply -k` would send: the overlay built by kustomize (kubectl's own, v5). */
export function renderOverlay(overlay: 'dev' | 'prod'): { text: string; objects: K8sObject[] } {
  let text: string;
  try {
    text = execFileSync('kubectl', ['kustomize', join(K8S, 'overlays', overlay)], { encoding: 'utf8' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('kubectl is not installed: these checks build the overlays with `kubectl kustomize`', { cause: err });
    throw err;
  }
  return { text, objects: parseYaml(text, `overlays/${overlay}`) as K8sObject[] };
}

export function readYaml(path: string): unknown[] {
  return parseYaml(readFileSync(path, 'utf8'), path);
}

/**
 * Problems the Kubernetes API schemas find in a YAML text (none: []). kubernetes-models is
 * ESM-only, which jest's CommonJS tests cannot import, so a child process checks.
 */
export function schemaProblems(yamlText: string): string[] {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(K8S, 'validate-schemas.mts')], { cwd: ROOT, input: yamlText, encoding: 'utf8' });
  const lines = result.stdout.trim().split('\n');
  if (result.status === 0 && / 0 invalid$/.test(lines.at(-1) ?? '')) return [];
  return [...lines, result.stderr].filter(Boolean);
}

// The fields of a core/v1 Container: the schema validator ignores unknown ones, so a typo such as
// `readinesProbe` would pass it silently.
const CONTAINER_FIELDS = new Set([
  'name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy',
  'restartPolicy', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle',
  'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty',
]);

export function unknownContainerFields(c: Container): string[] {
  return Object.keys(c).filter((k) => !CONTAINER_FIELDS.has(k));
}

export const workloads = (objs: K8sObject[]): Workload[] =>
  objs.filter((o): o is Workload => o.kind === 'Deployment' || o.kind === 'StatefulSet');

export const ofKind = <T extends K8sObject>(objs: K8sObject[], kind: T['kind']): T[] => objs.filter((o): o is T => o.kind === kind);

/** Whether every label of `selector` is on `labels`. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
