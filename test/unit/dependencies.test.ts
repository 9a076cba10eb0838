import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { BUNDLING } from '#infra/bundling.ts';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version: string; hasInstallScript?: boolean; engines?: { node?: string } }>;
};

describe('dependencies', () => {
  it('use one version of the AWS SDK, installed once', () => {
    const sdk = Object.entries(manifest.dependencies).filter(([name]) => name.startsWith('@aws-sdk/'));
    expect(sdk.length).toBeGreaterThan(5);
    expect(new Set(sdk.map(([, version]) => version)).size).toBe(1);
    for (const [name] of sdk) {
      const copies = Object.keys(lock.packages).filter((path) => path.endsWith(`node_modules/${name}`));
      expect(copies, name).toEqual([`node_modules/${name}`]);
    }
  });

  it('keep the emulators for the local stack and tests only (npm ci installs them; a production install does not)', () => {
    for (const emulator of ['s3rver', 'dynalite', 'local-aws-sqs', 'aws-ses-v2-local']) {
      expect(manifest.dependencies, emulator).not.toHaveProperty(emulator);
      expect(manifest.devDependencies, emulator).toHaveProperty(emulator);
    }
  });

  it('say which Node runs where: 20.19 or newer here (.nvmrc, engines), Node.js 24 on Lambda', () => {
    expect(manifest.engines.node).toBe('>=20.19');
    const nvmrc = readFileSync(new URL('.nvmrc', root), 'utf8').trim();
    expect(Number(nvmrc.split('.')[0])).toBeGreaterThanOrEqual(20);
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    expect(major > 20 || (major === 20 && minor >= 19)).toBe(true);
    expect(BUNDLING.target).toBe('node24');
  });

  it('review every install script, so npm ci ends without a warning (both work from the binaries they ship: denied)', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    for (const name of withScripts) expect(Object.hasOwn(manifest.allowScripts, name), name).toBe(true);
  });

  it('run on the oldest Node the project supports: no package in the lockfile asks for a newer one (npm ci warns of none)', () => {
    const oldest = semver.minVersion(manifest.engines.node)?.version ?? '';
    const tooNew = Object.entries(lock.packages)
      .filter(([, entry]) => entry.engines?.node && !semver.satisfies(oldest, entry.engines.node))
      .map(([path, entry]) => `${path} needs node ${entry.engines?.node}`);
    expect(oldest).toBe('20.19.0');
    expect(tooNew).toEqual([]);
  });
});
