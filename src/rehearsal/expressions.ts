/**
 * GitHub Actions expressions (`${{ ... }}` and `if:` conditions), the part of the language generated workflows use
 * (this package's release jobs, and projen's build and release workflows it retrofits): context paths
 * (`steps.mint.outputs.api-token`, `github.ref`, `env.X`, `secrets.X`, `needs.release.outputs.x`), literals,
 * `! == != && ||`, parentheses and the status functions. Anything else (an unknown context or function, a step id
 * the job does not have, an ordering comparison, `[...]`) throws: a runner that guessed would let a broken
 * workflow pass.
 */

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** A context object whose unknown keys are an error rather than `null` (the `steps` context: typos must fail). */
export class StrictContext {
  constructor(readonly what: string, readonly entries: Record<string, Value>) {}
}

export interface ExpressionContext {
  /** Top-level contexts by name (`github`, `env`, `steps`, `secrets`, `needs`, `runner`, `job`, `inputs`, `vars`). */
  readonly contexts: Record<string, Value | StrictContext>;
  /** The job's status so far, for `success()` / `failure()` / `cancelled()`. */
  readonly jobFailed: boolean;
}

export class ExpressionError extends Error {}

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|('(?:[^']|'')*')|(==|!=|&&|\|\||[!().,])|([A-Za-z_][A-Za-z0-9_-]*))/y;

type Token = { kind: 'num' | 'str' | 'op' | 'id'; text: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) throw new ExpressionError(`cannot parse expression at ${at}: ${JSON.stringify(src)}`);
    if (m[1] !== undefined) tokens.push({ kind: 'num', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'str', text: m[2].slice(1, -1).replace(/''/g, "'") });
    else if (m[3] !== undefined) tokens.push({ kind: 'op', text: m[3] });
    else tokens.push({ kind: 'id', text: m[4] });
  }
  return tokens;
}

function truthy(v: Value | StrictContext): boolean {
  return !(v === null || v === false || v === 0 || v === '' || (typeof v === 'number' && Number.isNaN(v)));
}

function toNumber(v: Value): number {
  if (v === null || v === false) return 0;
  if (v === true) return 1;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

/** `==` as GitHub defines it: strings case-insensitively, mixed types coerced to numbers, objects by identity. */
function equals(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'object' || typeof b === 'object') return a === b;
  return toNumber(a) === toNumber(b);
}

export function stringify(v: Value | StrictContext): string {
  if (v instanceof StrictContext) return JSON.stringify(v.entries);
  if (v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v, null, 2);
  return String(v);
}

function property(obj: Value | StrictContext, key: string): Value | StrictContext {
  if (obj instanceof StrictContext) {
    const found = Object.keys(obj.entries).find((k) => k.toLowerCase() === key.toLowerCase());
    if (found === undefined) throw new ExpressionError(`${obj.what} has no '${key}' (known: ${Object.keys(obj.entries).join(', ') || 'none'})`);
    return obj.entries[found];
  }
  if (obj === null || typeof obj !== 'object') return null;
  if (Array.isArray(obj)) return null;
  const found = Object.keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? null : obj[found];
}

const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'];

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly ctx: ExpressionContext, private readonly src: string) {}

  parse(): Value | StrictContext {
    const v = this.or();
    if (this.pos < this.tokens.length) this.fail(`unexpected '${this.tokens[this.pos].text}'`);
    return v;
  }

  private fail(why: string): never {
    throw new ExpressionError(`${why} in expression ${JSON.stringify(this.src)}`);
  }
  private peek(text: string): boolean {
    const t = this.tokens[this.pos];
    return t !== undefined && t.kind === 'op' && t.text === text;
  }
  private expect(text: string): void {
    if (!this.peek(text)) this.fail(`expected '${text}'`);
    this.pos++;
  }

  private or(): Value | StrictContext {
    let left = this.and();
    while (this.peek('||')) {
      this.pos++;
      const right = this.and();
      left = truthy(left) ? left : right;
    }
    return left;
  }
  private and(): Value | StrictContext {
    let left = this.comparison();
    while (this.peek('&&')) {
      this.pos++;
      const right = this.comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  }
  private comparison(): Value | StrictContext {
    const left = this.unary();
    for (const op of ['==', '!=']) {
      if (this.peek(op)) {
        this.pos++;
        const same = equals(left as Value, this.unary() as Value);
        return op === '==' ? same : !same;
      }
    }
    return left;
  }
  private unary(): Value | StrictContext {
    if (this.peek('!')) {
      this.pos++;
      return !truthy(this.unary());
    }
    return this.primary();
  }
  private primary(): Value | StrictContext {
    const t = this.tokens[this.pos++];
    if (t === undefined) this.fail('unexpected end');
    if (t.kind === 'num') return Number(t.text);
    if (t.kind === 'str') return t.text;
    if (t.kind === 'op') {
      if (t.text !== '(') this.fail(`unexpected '${t.text}'`);
      const v = this.or();
      this.expect(')');
      return v;
    }
    if (['true', 'false', 'null'].includes(t.text)) return t.text === 'null' ? null : t.text === 'true';
    if (this.peek('(')) return this.call(t.text);
    // context names, like property names, are case-insensitive
    const name = Object.keys(this.ctx.contexts).find((k) => k.toLowerCase() === t.text.toLowerCase());
    if (name === undefined) this.fail(`unknown context '${t.text}'`);
    let v: Value | StrictContext = this.ctx.contexts[name];
    while (this.peek('.')) {
      this.pos++;
      const key = this.tokens[this.pos++];
      if (key === undefined || key.kind !== 'id') this.fail('expected a property name after "."');
      v = property(v, key.text);
    }
    return v;
  }
  private call(name: string): Value {
    this.expect('(');
    let args = 0;
    for (; !this.peek(')'); args++) {
      this.or();
      if (!this.peek(')')) this.expect(',');
    }
    this.expect(')');
    if (args > 0 || !STATUS_FUNCTIONS.includes(name.toLowerCase())) this.fail(`function '${name}' is not supported by the harness`);
    switch (name.toLowerCase()) {
      case 'success': return !this.ctx.jobFailed;
      case 'failure': return this.ctx.jobFailed;
      case 'cancelled': return false;
      default: return true; // always()
    }
  }
}

export function evaluate(expression: string, ctx: ExpressionContext): Value | StrictContext {
  return new Parser(tokenize(expression), ctx, expression).parse();
}

/** Replace every `${{ expr }}` in a string, as the runner does for `with:`, `env:` and `run:` values. */
export function interpolate(text: string, ctx: ExpressionContext): string {
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_, expr: string) => stringify(evaluate(expr, ctx)));
}

/** An `if:` condition: implicit `success() &&` unless it calls a status function itself. */
export function condition(cond: string | boolean | undefined, ctx: ExpressionContext): boolean {
  if (cond === undefined) return !ctx.jobFailed;
  if (typeof cond === 'boolean') return cond && !ctx.jobFailed;
  let expr = cond.trim();
  const whole = /^\$\{\{(.*)\}\}$/s.exec(expr);
  if (whole) expr = whole[1];
  else if (expr.includes('${{')) throw new ExpressionError(`if: mixes text and \${{ }}: ${JSON.stringify(cond)}`);
  const usesStatus = /\b(success|failure|always|cancelled)\s*\(/i.test(expr);
  const value = evaluate(expr, ctx);
  return usesStatus ? truthy(value) : !ctx.jobFailed && truthy(value);
}
