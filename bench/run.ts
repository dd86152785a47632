/** `npm run bench -- <name>`: runs bench/<name>.ts's exported main(). */
async function run(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9-]+$/.test(name)) throw new Error('usage: npm run bench -- <name>   (bench/<name>.ts)');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(`./${name}.ts`) as { main?: () => Promise<void> };
  if (typeof mod.main !== 'function') throw new Error(`bench/${name}.ts exports no main()`);
  await mod.main();
}

run().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
