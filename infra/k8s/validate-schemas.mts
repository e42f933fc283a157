/**
 * Validates Kubernetes objects against the API schemas (kubernetes-models, generated from the
 * Kubernetes OpenAPI spec), offline. Reads YAML documents on stdin; prints one line per invalid
 * object and exits 1 if there is any:
 *
 *   kubectl kustomize infra/k8s/overlays/prod | node --import tsx infra/k8s/validate-schemas.mts
 *
 * ESM, because kubernetes-models is ESM-only (the jest tests run this as a child process).
 */
import { text } from 'node:stream/consumers';
import { parseAllDocuments } from 'yaml';

interface TypeMeta {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}

type ModelClass = new (data: unknown) => { validate(): void };

async function problemOf(obj: TypeMeta): Promise<string | undefined> {
  if (!obj.apiVersion || !obj.kind) return 'no apiVersion or kind';
  let Model: ModelClass | undefined;
  try {
    // One module per kind: kubernetes-models/<group/version, or v1 for the core group>/<Kind>.
    const mod = (await import(`kubernetes-models/${obj.apiVersion}/${obj.kind}`)) as Record<string, ModelClass>;
    Model = mod[obj.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return `no schema for ${obj.apiVersion} ${obj.kind}`;
  try {
    new Model(obj).validate();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const objects = parseAllDocuments(await text(process.stdin)).map((d) => d.toJS() as TypeMeta | null);
let invalid = 0;
for (const obj of objects) {
  if (!obj) continue;
  const problem = await problemOf(obj);
  if (problem === undefined) continue;
  invalid++;
  console.log(`${obj.kind ?? '?'}/${obj.metadata?.name ?? '?'}: ${problem}`);
}
console.log(`${objects.length - invalid} valid, ${invalid} invalid`);
process.exit(invalid > 0 ? 1 : 0);
