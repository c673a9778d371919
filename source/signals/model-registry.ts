// The model registry: DATA_DIR/models/<model>-<version>.json, versions counted up, nothing ever overwritten.
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { checkFeatures, ModelArtifactError, parseArtifact, type ModelArtifact } from './artifact.ts';
import type { TrainedArtifact } from './training.ts';

const FILE_RE = /^([a-z0-9][a-z0-9-]*?)-v(\d+)\.json$/;

export function modelsDir(dataDir: string): string {
  return join(dataDir, 'models');
}

/** Registered versions of `model` in `dir`, newest last. */
export function registeredVersions(files: string[], model: string): { version: number; file: string }[] {
  const out: { version: number; file: string }[] = [];
  for (const f of files) {
    const m = FILE_RE.exec(f);
    if (m && m[1] === model) out.push({ version: Number(m[2]), file: f });
  }
  return out.sort((a, b) => a.version - b.version);
}

export function listModels(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

export function nextVersion(dir: string, model: string): string {
  const versions = registeredVersions(listModels(dir), model);
  return `v${(versions.at(-1)?.version ?? 0) + 1}`;
}

/** Register an artifact under the next free version; returns the file. Never replaces an existing file. */
export function registerArtifact(
  dir: string,
  artifact: TrainedArtifact,
): { file: string; artifact: ModelArtifact } {
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    const version = nextVersion(dir, artifact.model);
    const full = { ...artifact, version } as ModelArtifact;
    const file = join(dir, `${artifact.model}-${version}.json`);
    const tmp = join(dir, `.${artifact.model}-${version}.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(full, null, 1) + '\n');
    try {
      // A hard link appears whole and fails if the name is taken: readers never see half a file.
      linkSync(tmp, file);
      return { file, artifact: full };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
  }
  throw new ModelArtifactError(`models ${dir}: could not claim a new version for ${artifact.model}`);
}

/** Read, validate and check a model file against the running feature set. */
export function loadArtifact(file: string): ModelArtifact {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ModelArtifactError(
      `model ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const a = parseArtifact(text, file);
  checkFeatures(a, file);
  return a;
}
