/**
 * The step summary: what was signed, by whom, where it is logged; or why nothing was. Every value the step did not
 * write itself (file names, the certified identity, server text) is in a code span or a literal block, so none can
 * render as a link, image, emphasis, mention or HTML.
 */
import { summaryWords as say } from './messages';
import { codeSpan, literalBlock, prose } from '../kit/markdown';

export interface AttestedFile {
  readonly name: string;
  readonly sha256: string;
  readonly logIndex: string;
}

/** `rekorSearch` links a log index to Sigstore's search page (public instance only: our link, a number in it). */
export function successSummary(identity: string, files: readonly AttestedFile[], rekorSearch?: (logIndex: string) => string): string {
  const rows = files.map((f) => `| ${codeSpan(f.name)} | ${codeSpan(f.sha256)} | ` +
    `${rekorSearch && /^\d+$/.test(f.logIndex) ? `[${f.logIndex}](${rekorSearch(f.logIndex)})` : codeSpan(f.logIndex)} |`);
  return [`### ${say.heading}`, '', `${say.signedBy} ${codeSpan(identity)} ${say.signedWith}`, '',
    say.columns, '|---|---|---|', ...rows].join('\n');
}

export function failureSummary(title: string, message: string, continued: boolean): string {
  return [`### ${continued ? say.headingSkipped : say.headingFailed}`, '', codeSpan(title), '', literalBlock(message), '',
    prose(continued ? say.continued : say.stopped)].join('\n');
}
