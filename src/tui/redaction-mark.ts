import type { TokenizerExtension } from 'marked';

const MARK = '***';

/**
 * ksa writes a secret's value as `***` (`pw=***, tok=***`): in Markdown two of them read as emphasis around
 * what lies between, and both marks vanished. A redaction mark is never emphasis: it is read as text.
 */
export const redactionMark: TokenizerExtension = {
  name: 'redactionMark',
  level: 'inline',
  start: (src) => {
    const at = src.indexOf(MARK);
    return at < 0 ? undefined : at;
  },
  tokenizer: (src) => (src.startsWith(MARK) ? { type: 'text', raw: MARK, text: MARK } : undefined),
};
