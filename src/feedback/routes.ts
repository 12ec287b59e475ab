// JSON API for a workshop's feedback survey: read and set it, read its results (aggregates
// only, none under the minimum), and the results as CSV. Organisers of the workshop's team
// and owners; for anyone else it does not exist.
import { createRoute, z } from "@hono/zod-openapi";
import { CsvQuery, csvDownload } from "../http/csv";
import { requires } from "../http/guard";
import { apiRouter, bearerSecurity, json, problemResponses } from "../http/openapi";
import { problem } from "../http/problem";
import { LANGS } from "../i18n";
import { getWorkshop } from "../workshops/service";
import { feedbackResults, MIN_ANSWERS, resultsCsv, resultsJson } from "./results";
import { getSurvey, QUESTION_TYPES, SurveyInputSchema, setSurvey, surveyJson } from "./survey";

const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });

const Label = z.partialRecord(z.enum(LANGS), z.string());

const Question = z
  .object({
    id: z.string(),
    type: z.enum(QUESTION_TYPES),
    required: z.boolean(),
    label: Label,
  })
  .openapi("FeedbackQuestion");

const Survey = z
  .object({
    enabled: z.boolean(),
    questions: z.array(Question),
    sent: z.number().int().openapi({
      description: "How many people it was emailed to; once any, its questions are fixed",
    }),
    saved: z.boolean().openapi({ description: "false: the default survey, never saved" }),
  })
  .openapi("FeedbackSurvey");

const Results = z
  .object({
    shown: z.boolean().openapi({
      description: `false until at least ${MIN_ANSWERS} people have answered: nothing else is given then`,
    }),
    sent: z.number().int(),
    minimum: z.number().int().optional(),
    answers: z.number().int().optional(),
    questions: z
      .array(
        z.object({
          id: z.string(),
          type: z.enum(QUESTION_TYPES),
          label: Label,
          answered: z.number().int().optional(),
          average: z.number().nullable().optional(),
          distribution: z
            .array(z.number().int())
            .optional()
            .openapi({ description: "How many gave 1, 2, 3, 4 and 5" }),
          comments: z
            .array(z.string())
            .optional()
            .openapi({ description: "Free text, in a random order on every read" }),
        }),
      )
      .optional(),
  })
  .openapi("FeedbackResults");

const manage = requires("workshops.manage", { workshop: "id" });

export const feedbackApi = apiRouter();

feedbackApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    operationId: "getFeedbackSurvey",
    middleware: [manage] as const,
    tags: ["Feedback"],
    summary: "The workshop's feedback survey (the default one until it is saved)",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "The survey", ...json(Survey) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { db } = c.var.services;
    const { id } = c.req.valid("param");
    await getWorkshop(db, id);
    return c.json(surveyJson(await getSurvey(db, id)), 200);
  },
);

feedbackApi.openapi(
  createRoute({
    method: "put",
    path: "/",
    operationId: "setFeedbackSurvey",
    middleware: [manage] as const,
    tags: ["Feedback"],
    summary: "Turn the survey on or off, and set its questions",
    description:
      "When on, the survey is emailed once, after the workshop ends, to the people checked in (or, when nobody was checked in, to the confirmed ones). Each question is a 1–5 `rating` or free `text`, worded per language, required or not. Once the survey was sent to anyone its questions cannot change (`409`); switching it off stops further emails and answers.",
    security: bearerSecurity,
    request: {
      params: IdParam,
      body: { required: true, content: { "application/json": { schema: SurveyInputSchema } } },
    },
    responses: {
      200: { description: "The survey as saved", ...json(Survey) },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const survey = await setSurvey(
      c.var.services.db,
      c.var.actor,
      id,
      c.req.valid("json"),
      c.var.services.now(),
    );
    return c.json(surveyJson(survey), 200);
  },
);

feedbackApi.openapi(
  createRoute({
    method: "get",
    path: "/results",
    operationId: "getFeedbackResults",
    middleware: [manage] as const,
    tags: ["Feedback"],
    summary: `The survey's results: aggregates only, and nothing under ${MIN_ANSWERS} answers`,
    description:
      "Per rating question the average and how many gave each mark; per text question the comments, in a random order. Answers carry no link to the people who gave them.",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Results", ...json(Results) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await getWorkshop(c.var.services.db, id);
    return c.json(resultsJson(await feedbackResults(c.var.services, id)), 200);
  },
);

feedbackApi.openapi(
  createRoute({
    method: "get",
    path: "/results.csv",
    operationId: "exportFeedbackResultsCsv",
    middleware: [manage] as const,
    tags: ["Feedback"],
    summary: "The survey's results as CSV (a row per rating question, then a row per comment)",
    description: `\`409\` while fewer than ${MIN_ANSWERS} people have answered. Logged in the audit log (\`feedback.export\`).`,
    security: bearerSecurity,
    request: { params: IdParam, query: CsvQuery },
    responses: {
      200: { description: "CSV", content: { "text/csv": { schema: z.string() } } },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const workshop = await getWorkshop(c.var.services.db, id);
    const csv = await resultsCsv(c.var.services, c.var.actor, id);
    if (csv === null)
      return problem(
        c,
        409,
        `Fewer than ${MIN_ANSWERS} people have answered: no results are shown yet.`,
      );
    return csvDownload(c, csv, `${workshop.slug}-feedback.csv`, c.req.valid("query").excel);
  },
);
