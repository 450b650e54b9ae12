import { measureStore } from './store-bench.js';

/** P5 with steps that print about 1 KB each: what storing their outputs adds to every write of run.json. */
const rounds = Number(process.argv[2] ?? 3);
const plain = await measureStore(rounds);
const printing = await measureStore(rounds, { outputBytes: 1024 });
console.log(JSON.stringify({ noOutput: plain.ratio10k, output1KB: printing.ratio10k, msPersisted1KB: printing.msPersisted10k, msMemory1KB: printing.msMemory10k, writes1KB: printing.writes10k }));
