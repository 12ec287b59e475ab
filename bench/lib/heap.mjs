// The Worker isolate's own JS heap, read through the V8 inspector Miniflare exposes
// (Runtime.getHeapUsage over the Chrome DevTools protocol). Unlike the workerd process's
// RSS, this leaves out D1's SQLite and the queue broker, which share the process locally.
//
// workerd's inspector does not force a garbage collection, so the raw peak includes garbage
// waiting to be collected, which grows with the allocation rate. V8 collects often, so the
// lowest sample within each 2-second window approximates the live heap; the highest of those
// lows is the live high-water mark, the figure that would grow if the Worker kept
// per-recipient data.

export async function heapSampler(inspectorPort, workerName = "app") {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((t) => String(t.title ?? t.id).includes(workerName)) ?? targets[0];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg.result);
      pending.delete(msg.id);
    }
  };
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      id += 1;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  const usage = async () => (await send("Runtime.getHeapUsage"))?.usedSize ?? 0;
  const samples = [];
  let timer;
  return {
    async start() {
      samples.push({ at: Date.now(), used: await usage() });
      timer = setInterval(async () => {
        samples.push({ at: Date.now(), used: await usage() });
      }, 100);
    },
    async stop() {
      clearInterval(timer);
      samples.push({ at: Date.now(), used: await usage() });
      ws.close();
      const windows = new Map();
      for (const s of samples) {
        const w = Math.floor(s.at / 2000);
        windows.set(w, Math.min(windows.get(w) ?? Number.POSITIVE_INFINITY, s.used));
      }
      return { peak: Math.max(...samples.map((s) => s.used)), live: Math.max(...windows.values()) };
    },
  };
}
