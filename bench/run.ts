/** `npm run bench -- <name>`: runs bench/<name>.ts's exported main(). */
const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: npm run bench -- <name>   (a file bench/<name>.ts)');
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bench = require(`./${name}.ts`) as { main: (args: string[]) => Promise<void> };
bench.main(process.argv.slice(3)).then(() => process.exit(0), (err: Error) => {
  console.error(`bench ${name} failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
