import { temporalOutage } from '../bench/lib/temporal-outage';
temporalOutage(process.env.SFX ?? 'x1', Number(process.env.OUT_S ?? 20) * 1000, (...a) => console.error(...a)).then(
  (r) => { console.log(JSON.stringify(r)); process.exit(0); },
  (e) => { console.error(e); process.exit(1); },
);
