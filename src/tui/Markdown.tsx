import { Box, Text } from 'ink';
import type { Token, Tokens } from 'marked';
import { Fragment, memo, useEffect, useState, type ReactNode } from 'react';

export type Props = {
  /** Markdown text as models write it: paragraphs, lists, code blocks, inline code, bold. */
  readonly text: string;
  readonly color: boolean;
};

/**
 * Markdown for the terminal, parsed with marked's lexer and drawn with Ink
 * (no ANSI strings, so NO_COLOR and wrapping work like everywhere else).
 * Memoised: finished messages never re-render.
 */
export const Markdown = memo(function Markdown({ text, color }: Props) {
  const lex = useLexer();
  if (!lex) return <Text>{text}</Text>;
  const tokens = lex(text);
  return <Box flexDirection="column">{tokens.map((token, i) => renderBlock(token, `${i}`, color))}</Box>;
});

type Lex = (text: string) => Token[];
let lexer: Lex | undefined;
let loading: Promise<void> | undefined;

/**
 * marked builds every regex of its grammar when it loads (several ms), and the
 * chat's first frame has no Markdown in it: the chat loads it right after,
 * before it draws the history. Anything drawn earlier shows as plain text
 * until then.
 */
export function loadMarkdown(): Promise<void> {
  return (loading ??= Promise.all([import('marked'), import('./redaction-mark.js')]).then(([{ Lexer }, { hideRedactionMarks, restoreRedactionMarks }]) => {
    lexer = (text) => {
      const hidden = hideRedactionMarks(text);
      return hidden === undefined ? Lexer.lex(text) : restoreRedactionMarks(Lexer.lex(hidden));
    };
  }));
}

function useLexer(): Lex | undefined {
  const [, setLoaded] = useState(lexer !== undefined);
  useEffect(() => {
    if (!lexer) void loadMarkdown().then(() => setLoaded(true));
  }, []);
  return lexer;
}

function renderBlock(token: Token, key: string, color: boolean): ReactNode {
  switch (token.type) {
    case 'space':
      return null;
    case 'heading': {
      const heading = token as Tokens.Heading;
      return (
        <Text key={key} bold underline={heading.depth <= 2}>
          {renderInline(heading.tokens, key, color)}
        </Text>
      );
    }
    case 'paragraph':
      return <Text key={key}>{renderInline((token as Tokens.Paragraph).tokens, key, color)}</Text>;
    case 'text': {
      const text = token as Tokens.Text;
      return <Text key={key}>{text.tokens ? renderInline(text.tokens, key, color) : text.text}</Text>;
    }
    case 'code': {
      const code = token as Tokens.Code;
      return (
        <Box key={key} flexDirection="column" borderStyle="round" borderColor={color ? 'gray' : undefined} paddingX={1}>
          {code.lang ? <Text dimColor={color}>{code.lang}</Text> : null}
          <Text color={color ? 'cyan' : undefined}>{code.text}</Text>
        </Box>
      );
    }
    case 'list': {
      const list = token as Tokens.List;
      const start = typeof list.start === 'number' ? list.start : 1;
      return (
        <Box key={key} flexDirection="column">
          {list.items.map((item, i) => (
            <Box key={`${key}.${i}`}>
              <Text>
                {list.ordered ? `${start + i}. ` : '• '}
                {item.task ? (item.checked ? '[x] ' : '[ ] ') : ''}
              </Text>
              <Box flexDirection="column" flexShrink={1}>
                {item.tokens.filter((child) => child.type !== 'checkbox').map((child, j) => renderBlock(child, `${key}.${i}.${j}`, color))}
              </Box>
            </Box>
          ))}
        </Box>
      );
    }
    case 'blockquote':
      return (
        <Box key={key} paddingLeft={2} flexDirection="column">
          {(token as Tokens.Blockquote).tokens.map((child, i) => renderBlock(child, `${key}.${i}`, color))}
        </Box>
      );
    case 'hr':
      return <Text key={key} dimColor={color}>{'─'.repeat(40)}</Text>;
    case 'table': {
      const table = token as Tokens.Table;
      const rows = [table.header.map((cell) => cell.text), ...table.rows.map((row) => row.map((cell) => cell.text))];
      const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
      return (
        <Box key={key} flexDirection="column">
          {rows.map((row, r) => (
            <Text key={`${key}.${r}`} bold={r === 0}>
              {row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}
            </Text>
          ))}
        </Box>
      );
    }
    default:
      return <Text key={key}>{'raw' in token ? String(token.raw).trimEnd() : ''}</Text>;
  }
}

function renderInline(tokens: readonly Token[] | undefined, key: string, color: boolean): ReactNode {
  if (!tokens) return null;
  return tokens.map((token, i) => {
    const k = `${key}:${i}`;
    switch (token.type) {
      case 'strong':
        return (
          <Text key={k} bold>
            {renderInline((token as Tokens.Strong).tokens, k, color)}
          </Text>
        );
      case 'em':
        return (
          <Text key={k} italic>
            {renderInline((token as Tokens.Em).tokens, k, color)}
          </Text>
        );
      case 'del':
        return (
          <Text key={k} strikethrough>
            {renderInline((token as Tokens.Del).tokens, k, color)}
          </Text>
        );
      case 'codespan':
        return (
          <Text key={k} color={color ? 'cyan' : undefined}>
            {color ? (token as Tokens.Codespan).text : `\`${(token as Tokens.Codespan).text}\``}
          </Text>
        );
      case 'link': {
        const link = token as Tokens.Link;
        return (
          <Fragment key={k}>
            <Text underline={color}>{renderInline(link.tokens, k, color)}</Text>
            {link.href !== link.text ? <Text dimColor={color}> ({link.href})</Text> : null}
          </Fragment>
        );
      }
      case 'br':
        return <Text key={k}>{'\n'}</Text>;
      case 'checkbox':
        // Drawn with the list bullet.
        return null;
      case 'text': {
        const text = token as Tokens.Text;
        return text.tokens ? <Fragment key={k}>{renderInline(text.tokens, k, color)}</Fragment> : <Fragment key={k}>{decode(text.text)}</Fragment>;
      }
      case 'escape':
        return <Fragment key={k}>{(token as Tokens.Escape).text}</Fragment>;
      default:
        return <Fragment key={k}>{'raw' in token ? decode(String(token.raw)) : ''}</Fragment>;
    }
  });
}

function decode(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}
