/** 1234 → "1.23k", 2500000 → "2.5M": enough digits to compare, few enough to read. */
export function fmtNumber(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${+(n / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${+(n / 1e3).toPrecision(3)}k`;
  if (abs >= 10 || abs === 0) return `${Math.round(n)}`;
  return `${+n.toPrecision(3)}`;
}

export const fmtMs = (ms: number): string =>
  ms >= 1000 ? `${+(ms / 1000).toPrecision(3)} s` : `${+ms.toPrecision(3)} ms`;

export const shortSha = (commit: string | null): string => (commit ? commit.slice(0, 7) : "no commit");

/** "2025-11-25 10:00 UTC": one format for every date on the page. */
export function fmtDate(iso: string): string {
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}
