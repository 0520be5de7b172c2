// Writes the generated `contributes` and `activationEvents` (client/manifest/contributes.ts)
// into package.json, leaving every other field as it is. Run: npx tsx scripts/write-manifest.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { activationEvents, contributes } from '../client/manifest/contributes';

const path = 'package.json';
const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
manifest.activationEvents = activationEvents();
manifest.contributes = contributes();
writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
console.log('package.json: activationEvents and contributes written');
