import { freshGet } from './fresh-get';

/** GETs the URL every `everyMs`, each on a fresh connection (`freshGet`), reporting each new answer;
 * counts requests and failures (an answer other than 2xx, or none). Requests before the first answer
 * are not counted: nothing served yet. */
export function probeUrl(url: string, onChange: (answer: string) => void, everyMs = 200) {
  let requests = 0;
  let failed = 0;
  const failures: string[] = [];
  const started = Date.now();
  let last: string | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      let error = '';
      const answer = await freshGet(url, 2_000)
        .then(({ status, body }) => {
          const ok = status >= 200 && status < 300;
          return { ok, text: ok ? body.trim() : `HTTP ${status}` };
        })
        .catch((err: Error) => void (error = err.message));
      if (answer !== undefined || last !== undefined) {
        requests++;
        if (!answer?.ok) failed++;
        if (!answer?.ok && failures.length < 5)
          failures.push(`+${((Date.now() - started) / 1000).toFixed(1)}s: ${answer?.text ?? error}`);
        if (answer?.ok && answer.text !== last) {
          onChange(answer.text);
          last = answer.text;
        }
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { requests, failed, failures };
    },
  };
}
