// prepublishOnly of every public package: releases are published by the release workflow
// (.github/workflows/release.yml), with npm provenance, never from a developer's machine.
// `npm publish --dry-run` (the install test) is allowed anywhere.
if (process.env.npm_config_dry_run !== "true" && process.env.GITHUB_ACTIONS !== "true") {
  console.error("@concurrent/*: publish from CI only — merge the Changesets version PR on main (see docs/release.md)");
  process.exit(1);
}
