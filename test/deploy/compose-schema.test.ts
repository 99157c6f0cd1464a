import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { provisionCheckJsonschema } from '../../dev/provision/check-jsonschema';

const COMPOSE_FILE = path.resolve(__dirname, '../../docker-compose.yml');

/** check-jsonschema with the Compose specification's schema as its maintainers ship it (`vendor.compose-spec`). */
function validate(command: [string, ...string[]], file: string) {
  const [bin, ...args] = command;
  const run = spawnSync(bin, [...args, '--builtin-schema', 'vendor.compose-spec', file], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('docker-compose.yml', () => {
  let checker: [string, ...string[]];
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'waymark-compose-'));

  beforeAll(async () => {
    checker = await provisionCheckJsonschema((line) => process.stdout.write(`${line}\n`));
  }, 180_000);

  it('is valid against the Compose specification schema', () => {
    const result = validate(checker, COMPOSE_FILE);
    expect(result.output).toMatch(/ok -- validation done/);
    expect(result.status).toBe(0);
  });

  it('would be refused with a misspelt key or a wrong type (the check bites)', () => {
    const original = readFileSync(COMPOSE_FILE, 'utf8');
    const compose = original.replace('replicas: 2', 'replica: 2').replace("ports: ['3000:3000']", 'ports: 3000');
    expect(compose).not.toBe(original);
    const broken = path.join(scratch, 'docker-compose.yml');
    writeFileSync(broken, compose);
    const result = validate(checker, broken);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/replica/);
    expect(result.output).toMatch(/ports/);
  });
});
