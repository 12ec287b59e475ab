// The Worker isolate's live JS heap, read through the V8 inspector Miniflare exposes.
// workerd runs with --expose-gc (MINIFLARE_WORKERD_V8_FLAGS, set by the benchmark), so each
// sample first collects garbage inside the isolate (Runtime.evaluate "gc()") and then reads
// Runtime.getHeapUsage: what remains is memory the Worker actually holds. Unlike workerd's
// RSS, this leaves out D1's SQLite and the queue broker, which share the process locally.

export const V8_FLAGS_ENV = { MINIFLARE_WORKERD_V8_FLAGS: "--expose-gc" };

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
  let contextId;
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.method === "Runtime.executionContextCreated") contextId = msg.params.context.id;
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
  await send("Runtime.enable");
  for (let i = 0; i < 50 && contextId === undefined; i++)
    await new Promise((r) => setTimeout(r, 20));
  const live = async () => {
    const collected = await send("Runtime.evaluate", {
      expression: "typeof gc === 'function' ? (gc(), 'collected') : 'no gc'",
      contextId,
    });
    if (collected?.result?.value !== "collected")
      throw new Error("gc() is not available: run workerd with --expose-gc");
    return (await send("Runtime.getHeapUsage"))?.usedSize ?? 0;
  };
  const samples = [];
  let timer;
  let busy = false;
  return {
    async start() {
      samples.push(await live());
      timer = setInterval(async () => {
        if (busy) return;
        busy = true;
        samples.push(await live());
        busy = false;
      }, 500);
    },
    async stop() {
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 50));
      samples.push(await live());
      ws.close();
      return { start: samples[0], peak: Math.max(...samples), samples: samples.length };
    },
  };
}
