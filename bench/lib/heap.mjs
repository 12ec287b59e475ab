// The Worker isolate's own JS heap, read through the V8 inspector Miniflare exposes
// (Runtime.getHeapUsage over the Chrome DevTools protocol). Unlike the workerd process's
// RSS, this leaves out D1's SQLite and the queue broker, which share the process locally.

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
  let peak = 0;
  let timer;
  return {
    async start() {
      peak = await usage();
      timer = setInterval(async () => {
        peak = Math.max(peak, await usage());
      }, 100);
    },
    async stop() {
      clearInterval(timer);
      peak = Math.max(peak, await usage());
      ws.close();
      return peak;
    },
  };
}
