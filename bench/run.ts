import path from 'node:path';

/** `npm run bench -- <name>`: runs bench/<name>.ts's exported main(). */
async function run(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9-]+$/.test(name)) throw new Error('usage: npm run bench -- <name>   (a file bench/<name>.ts)');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bench = require(path.join(__dirname, `${name}.ts`)) as { main?: () => Promise<void> };
  if (typeof bench.main !== 'function') throw new Error(`bench/${name}.ts exports no main()`);
  await bench.main();
}

run().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
