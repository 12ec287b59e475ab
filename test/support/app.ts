// The Hono app itself, for the rare test that needs other settings than the test env's.
import { createApp } from "../../src/app";

export const app = createApp();
