import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8S, ROOT, ofKind, readYaml, renderOverlay, workloads, type ServiceObject } from './manifests.test-helpers';

interface Artifact {
  image: string;
  context: string;
  docker: { dockerfile: string; target?: string };
  sync?: { manual: { src: string; dest: string }[] };
}

interface SkaffoldConfig {
  apiVersion: string;
  kind: string;
  build: { artifacts: Artifact[] };
  manifests: { kustomize: { paths: string[] } };
  deploy: { kubectl?: object };
  portForward?: { resourceType: string; resourceName: string; namespace: string; port: number }[];
  profiles: { name: string; build: { artifacts: Artifact[] }; manifests: { kustomize: { paths: string[] } } }[];
}

const [config] = readYaml(join(ROOT, 'skaffold.yaml')) as [SkaffoldConfig];
const prod = config.profiles.find((p) => p.name === 'prod')!;
const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n');

/** A skaffold sync glob as a regular expression: `**` any folders, `*` within one, `{a,b}` either. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (glob.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 2;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '{') re += '(?:';
    else if (ch === '}') re += ')';
    else if (ch === ',') re += '|';
    else re += ch.replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

describe('skaffold.yaml', () => {
  it('is on the current schema, deploys the dev overlay with kubectl, and the prod profile the prod overlay', () => {
    expect(config).toMatchObject({ apiVersion: 'skaffold/v4beta13', kind: 'Config', deploy: { kubectl: {} } });
    expect(config.manifests.kustomize.paths).toEqual(['infra/k8s/overlays/dev']);
    expect(prod.manifests.kustomize.paths).toEqual(['infra/k8s/overlays/prod']);
    for (const p of [...config.manifests.kustomize.paths, ...prod.manifests.kustomize.paths]) {
      expect(existsSync(join(ROOT, p, 'kustomization.yaml'))).toBe(true);
    }
  });

  it.each([
    ['dev', config.build.artifacts],
    ['prod', prod.build.artifacts],
  ] as const)('%s: builds every image the manifests use, and only those, each from a Dockerfile that exists', (overlay, artifacts) => {
    const used = new Set(workloads(renderOverlay(overlay).objects).flatMap((w) => w.spec.template.spec.containers.map((c) => c.image)).filter((i) => i.startsWith('ticketyboo/')));
    expect(artifacts.map((a) => a.image).sort()).toEqual([...used].sort());
    for (const a of artifacts) {
      expect(a.context).toBe('.');
      const dockerfile = readFileSync(join(ROOT, a.docker.dockerfile), 'utf8');
      // dev builds the stage with tsx watch; prod the last stage.
      if (overlay === 'dev') expect(a.docker.target).toBe('dev');
      else expect(a.docker.target).toBeUndefined();
      if (a.docker.target) expect(dockerfile).toMatch(new RegExp(`^FROM \\S+ AS ${a.docker.target}$`, 'm'));
    }
  });

  it('file sync covers each service\'s sources (and common\'s), into where its dev image keeps them', () => {
    for (const a of config.build.artifacts) {
      const name = a.image.replace('ticketyboo/', '');
      const globs = a.sync!.manual;
      const matched = (file: string) => globs.some((g) => globToRegExp(g.src).test(file));
      const sources = tracked.filter((f) => f.startsWith(`${name}/`) && /\.tsx?$/.test(f) && !f.includes('.test'));
      if (name !== 'client') {
        expect(sources.length).toBeGreaterThan(0);
        expect(matched(tracked.find((f) => f.startsWith('common/src/'))!)).toBe(true);
      }
      for (const f of sources) expect(matched(f)).toBe(true);
      for (const g of globs) expect(g.dest).toBe('/app');
      expect(readFileSync(join(ROOT, a.docker.dockerfile), 'utf8')).toMatch(/^WORKDIR \/app$/m);
    }
  });

  it('forwards NATS to localhost:4222 for debugging', () => {
    const forward = config.portForward!.find((p) => p.resourceName === 'nats')!;
    expect(forward).toMatchObject({ resourceType: 'service', namespace: 'ticketyboo', port: 4222 });
    const nats = ofKind<ServiceObject>(renderOverlay('dev').objects, 'Service').find((s) => s.metadata.name === 'nats')!;
    expect(nats.spec.ports.map((p) => p.port)).toContain(4222);
    expect(existsSync(K8S)).toBe(true);
  });
});
