import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

export const GENERATOR_NAME = packageJson.name;
export const GENERATOR_VERSION = packageJson.version;
export const GENERATOR = `${GENERATOR_NAME} ${GENERATOR_VERSION}`;
