// No Docker engine runs here: the compose file is checked statically for consistency.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../helpers/cli.ts';

interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  profiles?: string[];
}

const compose = parse(readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const hostPort = (address: string) => {
  const match = /^(?:https?:\/\/)?([^:/]+):(\d+)/.exec(address);
  return match ? { host: match[1]!, port: Number(match[2]) } : undefined;
};
const containerPorts = (service: Service) => (service.ports ?? []).map((p) => Number(String(p).split(':').pop()));

describe('docker-compose.yml', () => {
  it('has the production-like stack', () => {
    for (const name of ['postgresql', 'temporal-schema', 'temporal', 'temporal-ui', 's3', 'worker', 'generate'])
      assert.ok(services[name], name);
    assert.match(services['temporal-schema']!.image!, /^temporalio\/admin-tools:/);
    assert.match(services.temporal!.image!, /^temporalio\/server:/);
    assert.match(services['temporal-ui']!.image!, /^temporalio\/ui:/);
    assert.ok(!Object.values(services).some((s) => s.image?.includes('auto-setup')), 'the deprecated auto-setup image is not used');
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!service.image) continue;
      const tag = service.image.split(':')[1];
      assert.ok(tag && tag !== 'latest' && /\d/.test(tag), `${name}: ${service.image}`);
    }
  });

  it('dependencies exist and their conditions can be met', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = services[dependency];
        assert.ok(target, `${name} depends on missing ${dependency}`);
        if (condition === 'service_healthy')
          assert.ok(target.healthcheck, `${name} waits for ${dependency} to be healthy, which has no healthcheck`);
        if (condition === 'service_completed_successfully') assert.ok(!target.ports, `${dependency} is a one-shot`);
      }
    }
  });

  it('addresses in the environment point at services and ports that exist', () => {
    const temporalPort = containerPorts(services.temporal!);
    const s3Port = Number(
      String((services.s3!.command as string[])[(services.s3!.command as string[]).indexOf('--port') + 1]).replace(':', ''),
    );
    for (const [name, service] of Object.entries(services)) {
      const env = service.environment ?? {};
      for (const key of ['TEMPORAL_ADDRESS', 'AWS_ENDPOINT_URL_S3']) {
        if (!env[key]) continue;
        const target = hostPort(env[key]!);
        assert.ok(target && services[target.host], `${name}.${key} → ${env[key]}`);
        if (target!.host === 'temporal') assert.ok(temporalPort.includes(target!.port), `${name}.${key} port`);
        if (target!.host === 's3') assert.equal(target!.port, s3Port, `${name}.${key} port`);
      }
      if (env.AWS_ACCESS_KEY_ID) {
        assert.equal(env.AWS_ACCESS_KEY_ID, services.s3!.environment!.ROOT_ACCESS_KEY_ID, `${name} uses the store's key`);
        assert.equal(env.AWS_SECRET_ACCESS_KEY, services.s3!.environment!.ROOT_SECRET_ACCESS_KEY);
      }
    }
    const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => String(p).split(':')[0]));
    assert.equal(new Set(hostPorts).size, hostPorts.length, 'no host port published twice');
    assert.ok(hostPorts.includes('7233') && hostPorts.includes('8233'));
  });

  it('the worker image is built from this repo and runs a command that package.json has', () => {
    const worker = services.worker!;
    assert.ok(worker.build);
    assert.ok(existsSync(join(PROJECT_ROOT, 'Dockerfile')));
    const command = (worker.command as string[]).join(' ');
    assert.match(command, /src\/cli\/main\.ts worker/);
    // The npm scripts run the same CLI from its bundle (scripts/build.mjs bundles src/cli/main.ts).
    assert.match(packageJson.scripts.worker!, /\.cache\/build\/cli\.mjs worker/);
    assert.match(readFileSync(join(PROJECT_ROOT, 'scripts/build.mjs'), 'utf8'), /cli: 'src\/cli\/main\.ts'/);
    const dockerfile = readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    assert.match(dockerfile, /CMD \["node", "--import", "tsx", "src\/cli\/main\.ts", "worker"\]/);
    for (const copied of dockerfile.matchAll(/^COPY (\S+)/gm)) {
      for (const path of copied[1]!.split(' ')) assert.ok(existsSync(join(PROJECT_ROOT, path)), `Dockerfile copies ${path}`);
    }
    const generate = services.generate!;
    assert.match((generate.entrypoint as string[]).join(' '), /src\/cli\/main\.ts generate/);
    assert.match(packageJson.scripts.generate!, /\.cache\/build\/cli\.mjs generate/);
    assert.match((generate.command as string[]).join(' '), /--out s3:\/\//);
  });
});
