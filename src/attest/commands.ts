/**
 * GitHub Actions workflow commands as text lines (written by `main.ts`; tests read them). Escaping follows the
 * runner's rules for command data and properties (actions/toolkit `command.ts`).
 */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function command(name: string, data: string, title?: string): string {
  return `::${name}${title ? ` title=${escapeProperty(title)}` : ''}::${escapeData(data)}`;
}

/** Must be written before any line that could contain the value: the runner masks only from then on. */
export const addMask = (secret: string) => command('add-mask', secret);
export const errorLine = (title: string, message: string) => command('error', message, title);
export const warningLine = (title: string, message: string) => command('warning', message, title);

/** A plain log line can never start a workflow command. */
export const logLine = (text: string) => text.replace(/^::/gm, ': :');
