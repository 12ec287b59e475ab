// The baseline: a bare Hono "hello" Worker, run exactly like the app in the same bench run.
import { Hono } from "hono";

const app = new Hono();
app.get("*", (c) => c.text("hello"));

export default app;
