// Building DOM nodes without innerHTML (every value from the broker is text, never markup).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

/** Fills a tbody: one row per item, cells from cellsOf(item) (strings or nodes). */
export function rows(tbody, items, cellsOf, rowAttrs = () => ({})) {
  tbody.replaceChildren(...items.map(item => el('tr', rowAttrs(item), ...cellsOf(item).map(c => el('td', {}, c)))));
}
