type Child = Node | string | null | undefined | false;

/** `el("p", { class: "caption" }, "text", child)`: a small createElement. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A visible message box: `info` for "nothing to show yet", `error` for something broken. */
export function notice(kind: "info" | "error", ...children: Child[]): HTMLElement {
  return el("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}

export const code = (text: string): HTMLElement => el("code", {}, text);
