import { createService } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';
const svc = createService({ logger: createLogger({ level: 'silent' } as never) });
await svc.ready;
const qs = ['Which country was the first to formally recognize the Taliban government?','Who is the new Afghan ambassador to Russia?','What did the Russian Supreme Court do in April?','What restrictions has the Taliban imposed on women?'];
const searcher = await svc.collections.get();
const co = (searcher as any).embedder;
async function round(conc: number, total: number) {
  let n = 0; const t = performance.now(); const calls0 = co.modelCalls;
  await Promise.all(Array.from({ length: conc }, async () => {
    while (n < total) { const q = qs[n++ % 4]; const r = await svc.app.request('/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q, top_k: 5 }) }); await r.text(); }
  }));
  const ms = performance.now() - t;
  console.log(`conc ${conc}: ${(total / ms * 1000).toFixed(1)} req/s, ${((ms) / total).toFixed(2)} ms/req, model calls ${co.modelCalls - calls0}`);
}
await round(1, 200); await round(50, 1000); await round(8, 1000);
const t=performance.now(); for (let i=0;i<200;i++) await searcher.search({query: qs[i%4], topK:5} as any).catch(e=>{console.log(e.message); throw e}); console.log('searcher.search alone', ((performance.now()-t)/200).toFixed(2));
