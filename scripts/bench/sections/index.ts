/**
 * The sections of `npm run bench`, in the order they run and are reported. A new section is a
 * file beside this one exporting a Section (section.ts), and one line here.
 */
import type { Section } from "../section";
import { consoleSection } from "./console";
import { frameworkSection } from "./framework";
import { httpSection } from "./http";
import { oneInstanceSection } from "./one-instance";
import { redisSection } from "./redis";

export const SECTIONS: Section[] = [
  httpSection,
  oneInstanceSection,
  redisSection,
  consoleSection,
  frameworkSection,
];
