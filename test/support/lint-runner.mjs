// Lints many probes in one ESLint process (the type-aware project service loads once): stdin is a JSON array of
// { file, code? } (code absent: the file on disk), stdout the messages of each, in order. Used by test/support/eslint.ts.
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const probes = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({ cwd: root, ignore: false });
const results = [];
for (const { file, code } of probes) {
  const filePath = path.join(root, file);
  const [result] = code === undefined ? await eslint.lintFiles([filePath]) : await eslint.lintText(code, { filePath });
  results.push(result.messages.map(({ ruleId, line, message }) => ({ ruleId, line, message })));
}
process.stdout.write(JSON.stringify(results));
