// Tiny DOM helpers: the page builds its elements with h() so no user data ever goes through innerHTML.

/**
 * Creates an element. `props` keys starting with "on" attach listeners, "class" sets className,
 * "dataset" copies data-* values, anything else is set as a property or attribute.
 * @example h("a", { href: "#/traces", class: "link" }, "Traces")
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "style" && typeof v === "object") Object.assign(el.style, v);
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A message that takes the place of content: loading, empty or failed. */
export function notice(text, kind = "empty") {
  return h("div", { class: `notice ${kind}` }, text);
}

/** A select whose options are [value, label] pairs or plain values. */
export function select(options, value, props = {}) {
  const el = h("select", props);
  for (const o of options) {
    const [v, label] = Array.isArray(o) ? o : [o, o];
    el.append(h("option", { value: v, selected: v === value }, label));
  }
  return el;
}

/** A label wrapping its control, the way every form field on the page is laid out. */
export function field(label, control, extraClass = "") {
  return h("label", { class: `field ${extraClass}`.trim() }, h("span", {}, label), control);
}

/** A table of rows under a header, in the scrolling wrapper every list uses; `numeric` columns align right. */
export function dataTable(head, numeric, rows, props = {}) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data", ...props },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          head.map((c) => h("th", { class: numeric.has(c) ? "num" : "" }, c)),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

/**
 * "← Newer  1–50  Older →" over cursor pages. `pages` holds each visited page's cursor (null
 * for the first) and the rank of its first row, newest last; the buttons change it and call
 * `reload`.
 */
export function cursorPager(pages, shown, nextCursor, reload) {
  const current = pages[pages.length - 1];
  return h(
    "div",
    { class: "pager" },
    h(
      "button",
      {
        type: "button",
        disabled: pages.length === 1,
        onclick: () => {
          pages.pop();
          reload();
        },
      },
      "← Newer",
    ),
    h("span", {}, `${current.from + 1}–${current.from + shown}`),
    h(
      "button",
      {
        type: "button",
        disabled: !nextCursor,
        onclick: () => {
          pages.push({ cursor: nextCursor, from: current.from + shown });
          reload();
        },
      },
      "Older →",
    ),
  );
}
