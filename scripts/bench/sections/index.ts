/**
 * The sections of `npm run bench`, in the order they run and are reported. A new section is a
 * file beside this one exporting a Section (section.ts), and one line here.
 */
import type { Section } from "../section";
import { consoleSection } from "./console";
import { frameworkSection } from "./framework";
import { handlersSection } from "./handlers";
import { httpSection } from "./http";
import { liveSection } from "./live";
import { oneInstanceSection } from "./one-instance";
import { redisSection } from "./redis";
import { webhookVerificationSection } from "./webhook-verification";

export const SECTIONS: Section[] = [
  httpSection,
  oneInstanceSection,
  redisSection,
  consoleSection,
  webhookVerificationSection,
  frameworkSection,
  handlersSection,
  liveSection,
];
