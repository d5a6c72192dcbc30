/**
 * What the runner does with a step's output: the file commands (`GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_PATH`) and the
 * workflow commands in stdout/stderr (`::add-mask::`, `::error::`, `::group::`, `::stop-commands::`). The shown log
 * is what a user reads on the run page: commands consumed, every masked value replaced by `***`.
 */
import type { Annotation } from './types';

/** Parse a `GITHUB_OUTPUT`/`GITHUB_ENV` file: `name=value` lines and `name<<DELIM` heredocs, later names win. */
export function parseFileCommand(text: string, file: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (name === '') throw new Error(`${file}: empty name on line ${i + 1}`);
      values[name] = line.slice(eq + 1);
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === '' || delimiter === '') throw new Error(`${file}: invalid heredoc on line ${i + 1}`);
      const body: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        body.push(lines[i]);
      }
      if (!closed) throw new Error(`${file}: matching delimiter not found for '${name}'`);
      values[name] = body.join('\n');
    } else {
      throw new Error(`${file}: invalid format on line ${i + 1}`);
    }
  }
  return values;
}

/** `GITHUB_PATH`: one directory per line, prepended to PATH for the following steps. */
export function parsePathFile(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

function unescapeData(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}
function unescapeProperty(s: string): string {
  return unescapeData(s).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

/**
 * One step's output processor. Masks are shared by the whole job (a value masked in step 2 stays masked in step 3)
 * and take effect from the line that registers them, as on the runner.
 */
export class StepOutputProcessor {
  readonly annotations: Annotation[] = [];
  readonly shown: string[] = [];
  /** Set when the output used a command the runner disables (`set-env`, `add-path`): the step fails. */
  disabledCommand?: string;
  private stopToken?: string;

  constructor(private readonly masks: Set<string>, private readonly step: string) {}

  feed(text: string): void {
    const lines = text.split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) this.line(line);
  }

  /** Replace every masked value by `***`, longest first so a value containing another is masked whole. */
  mask(text: string): string {
    let out = text;
    for (const secret of [...this.masks].sort((a, b) => b.length - a.length)) {
      if (secret !== '') out = out.split(secret).join('***');
    }
    return out;
  }

  private line(raw: string): void {
    const line = raw.trimStart();
    if (!line.startsWith('::')) {
      this.shown.push(this.mask(raw));
      return;
    }
    const end = line.indexOf('::', 2);
    if (end < 0) {
      this.shown.push(this.mask(raw));
      return;
    }
    const info = line.slice(2, end);
    const data = line.slice(end + 2);
    const space = info.indexOf(' ');
    const command = (space < 0 ? info : info.slice(0, space)).toLowerCase();
    if (this.stopToken !== undefined) {
      if (info === this.stopToken) this.stopToken = undefined;
      else this.shown.push(this.mask(raw));
      return;
    }
    const props: Record<string, string> = {};
    if (space >= 0) {
      for (const kv of info.slice(space + 1).split(',')) {
        const eq = kv.indexOf('=');
        if (eq > 0) props[kv.slice(0, eq).trim()] = unescapeProperty(kv.slice(eq + 1));
      }
    }
    const message = unescapeData(data);
    switch (command) {
      case 'add-mask':
        if (message.trim() !== '') this.masks.add(message);
        return; // the runner never shows the command line itself
      case 'error':
      case 'warning':
      case 'notice': {
        const title = props.title === undefined ? undefined : this.mask(props.title);
        this.annotations.push({ level: command, title, message: this.mask(message), step: this.step });
        this.shown.push(`##[${command}]${title ? `${title}: ` : ''}${this.mask(message)}`);
        return;
      }
      case 'debug':
        return; // shown only with ACTIONS_STEP_DEBUG, which the harness never sets
      case 'group':
        this.shown.push(`##[group]${this.mask(message)}`);
        return;
      case 'endgroup':
        this.shown.push('##[endgroup]');
        return;
      case 'stop-commands':
        this.stopToken = message;
        return;
      case 'set-env':
      case 'add-path':
        this.disabledCommand = command;
        this.annotations.push({ level: 'error', message: `The \`${command}\` command is disabled.`, step: this.step });
        this.shown.push(`##[error]The \`${command}\` command is disabled.`);
        return;
      case 'set-output':
      case 'save-state':
        throw new Error(`step '${this.step}' used the deprecated '::${command}::' command; the harness does not emulate it`);
      default:
        this.shown.push(this.mask(raw));
    }
  }
}
