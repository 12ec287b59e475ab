// The Worker isolate's live JS heap, read through the V8 inspector Miniflare exposes.
// workerd runs with --expose-gc (MINIFLARE_WORKERD_V8_FLAGS, set by the benchmark), so each
// sample first collects garbage inside the isolate (Runtime.evaluate "gc()") and then reads
// Runtime.getHeapUsage: what remains is memory the Worker actually holds. Unlike workerd's
// RSS, this leaves out D1's SQLite and the queue broker, which share the process locally.

export const V8_FLAGS_ENV = { MINIFLARE_WORKERD_V8_FLAGS: "--expose-gc" };

/**
 * Each sample's forced collection pauses the isolate it measures: every 2 s is often enough
 * to follow a heap that holds only what a step works on, and costs a send of 100,000 about
 * ten pauses instead of forty (at 500 ms it took 2–3 % off the throughput).
 */
const SAMPLE_EVERY_MS = 2_000;

/**
 * A connection to the inspector of one Worker of Miniflare (the app by default): `send` a
 * DevTools protocol command and get its result; `contextId` once Runtime is enabled.
 */
export async function inspect(inspectorPort, workerName = "app") {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((t) => String(t.title ?? t.id).includes(workerName)) ?? targets[0];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  const connection = {
    contextId: undefined,
    send: (method, params = {}) =>
      new Promise((resolve) => {
        id += 1;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.method === "Runtime.executionContextCreated")
      connection.contextId = msg.params.context.id;
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg.result);
      pending.delete(msg.id);
    }
  };
  return connection;
}

export async function heapSampler(inspectorPort, workerName = "app") {
  const inspector = await inspect(inspectorPort, workerName);
  const { send } = inspector;
  await send("Runtime.enable");
  for (let i = 0; i < 50 && inspector.contextId === undefined; i++)
    await new Promise((r) => setTimeout(r, 20));
  const live = async () => {
    const collected = await send("Runtime.evaluate", {
      expression: "typeof gc === 'function' ? (gc(), 'collected') : 'no gc'",
      contextId: inspector.contextId,
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
      }, SAMPLE_EVERY_MS);
    },
    async stop() {
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 50));
      samples.push(await live());
      inspector.close();
      return { start: samples[0], peak: Math.max(...samples), samples: samples.length };
    },
  };
}
