/**
 * The one way the docs emitter builds HTML: a tagged template that escapes every
 * interpolated value unless it is already `Html`. Text from specs can therefore never become
 * markup by accident.
 *
 *   html`<td>${'<script>'}</td>`            -> <td>&lt;script&gt;</td>
 *   html`<ul>${['a', 'b'].map((x) => html`<li>${x}</li>`)}</ul>` -> <ul><li>a</li><li>b</li></ul>
 */
export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** Trusted markup (built by this emitter, never from spec text). */
export function raw(s: string): Html {
  return new Html(s);
}

function part(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(part).join('');
  return esc(String(v));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += part(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

export function join(parts: readonly Html[], sep = ''): Html {
  return new Html(parts.map((p) => p.value).join(sep));
}

/**
 * Spec descriptions are CommonMark; we render a small safe subset: paragraphs, `code`,
 * **bold** and bullet lists. Everything is escaped first, so no spec text becomes a tag.
 */
export function prose(text: string | undefined): Html {
  if (!text?.trim()) return raw('');
  const inline = (s: string): string =>
    esc(s)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  const blocks = text.trim().split(/\n\s*\n/);
  const out: string[] = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    if (lines.every((l) => /^\s*[-*] /.test(l))) {
      out.push(`<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*[-*] /, ''))}</li>`).join('')}</ul>`);
    } else {
      out.push(`<p>${inline(lines.join(' '))}</p>`);
    }
  }
  return raw(`<div class="prose">${out.join('')}</div>`);
}

/** Hands out unique, valid id attributes within one page. */
export class IdAllocator {
  private readonly used = new Set<string>();
  id(prefix: string, name: string): string {
    const base = `${prefix}-${name}`.replace(/[^A-Za-z0-9_.-]+/g, '_');
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}

/** Relative URL from one emitted page to another (both relative to the docs folder). */
export function relUrl(fromPage: string, to: string): string {
  const depth = fromPage.split('/').length - 1;
  return '../'.repeat(depth) + to;
}
