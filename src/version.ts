import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './util/projectRoot.ts';

const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

export const GENERATOR_NAME = packageJson.name;
export const GENERATOR_VERSION = packageJson.version;
export const GENERATOR = `${GENERATOR_NAME} ${GENERATOR_VERSION}`;
