import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTE_NAMES } from '../src/domain/search-attributes.js';
import { REPO_ROOT } from '../scripts/stack/paths.js';

// No Docker engine runs here, so the compose file is checked as data: structure, references, pins.
interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string[] | string;
  depends_on?: string[] | Record<string, { condition: string }>;
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  it('has the services of the design: Temporal on PostgreSQL, its UI, the emulator, the worker and the API', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'emulator', 'postgresql', 'temporal', 'temporal-setup', 'temporal-ui', 'worker'].sort(),
    );
    expect(services.temporal?.environment?.DB).toMatch(/^postgres/);
  });

  it('gives every service an image pinned to a version, or a build context with a Dockerfile', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.image) {
        expect(service.image, name).toMatch(/:[0-9][\w.-]*$/);
      } else {
        const context = typeof service.build === 'string' ? service.build : service.build?.context;
        expect(context, `${name} needs image or build`).toBeTruthy();
        expect(
          existsSync(path.join(REPO_ROOT, context!, 'Dockerfile')),
          `${name}: ${context}/Dockerfile`,
        ).toBe(true);
      }
    }
  });

  it('only depends on services that exist, with valid conditions', () => {
    for (const [name, service] of Object.entries(services)) {
      const deps = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect(Object.keys(services), `${name} → ${dep}`).toContain(dep);
      if (service.depends_on && !Array.isArray(service.depends_on)) {
        for (const [dep, { condition }] of Object.entries(service.depends_on)) {
          expect(
            ['service_started', 'service_healthy', 'service_completed_successfully'],
            `${name} → ${dep}`,
          ).toContain(condition);
          if (condition === 'service_healthy')
            expect(services[dep]?.healthcheck, `${dep} needs a healthcheck`).toBeDefined();
        }
      }
    }
  });

  it('points the worker and the API at Temporal and the emulator by service name', () => {
    for (const name of ['worker', 'api']) {
      const env = services[name]?.environment ?? {};
      expect(env.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
      expect(env.AWS_ENDPOINT_URL, name).toBe('http://emulator:4566');
    }
    expect(services.api?.environment?.FAILBACK_API_HOST).toBe('0.0.0.0');
    expect(services.api?.ports).toContain('8080:8080');
    // compose itself refuses to start without API tokens (the API would refuse anyway).
    expect(services.api?.environment?.FAILBACK_API_TOKENS).toMatch(/^\$\{FAILBACK_API_TOKENS:\?.+\}$/);
  });

  it('runs entry points that the build produces', () => {
    const tsconfig = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { outDir: string };
    };
    for (const name of ['worker', 'api']) {
      const entry = (services[name]?.command as string[])[1]!;
      expect(entry.startsWith(`${tsconfig.compilerOptions.outDir}/`), entry).toBe(true);
      const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(existsSync(path.join(REPO_ROOT, source)), source).toBe(true);
    }
  });

  it('registers exactly the search attributes of the contract', () => {
    const setup = JSON.stringify(services['temporal-setup']?.command);
    for (const name of SEARCH_ATTRIBUTE_NAMES) expect(setup).toContain(name);
    expect(setup).toContain('--type Keyword');
  });

  it('declares every named volume it mounts', () => {
    expect(Object.keys(compose.volumes ?? {})).toContain('postgresql-data');
  });
});
