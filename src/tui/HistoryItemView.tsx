import { Box, Text } from 'ink';
import { memo } from 'react';
import type { HistoryItem } from '../agent/index.js';
import { Markdown } from './Markdown.js';
import { PlanCard, PlanDecisionLine } from './PlanCard.js';
import type { ToolDescriber } from './plan-lines.js';

export type Props = {
  readonly item: HistoryItem;
  readonly tools: ToolDescriber;
  readonly color: boolean;
  /** A plan whose card was printed in full while it waited (it was too tall for the live area): only the decision is shown. */
  readonly printedAbove?: boolean;
};

const RUN_TONES: Record<string, string> = { succeeded: 'green', failed: 'red', rollback_failed: 'red', cancelled: 'yellow', interrupted: 'yellow' };

/** One finished entry of the transcript. Rendered once, into Ink's Static area. */
export const HistoryItemView = memo(function HistoryItemView({ item, tools, color, printedAbove }: Props) {
  switch (item.kind) {
    case 'user':
      return (
        <Box marginTop={1}>
          {/* A margin, not a trailing space: Ink trims that when the text beside it wraps (as in InputLine). */}
          <Box marginRight={1} flexShrink={0}>
            <Text color={color ? 'cyan' : undefined} bold>
              ›
            </Text>
          </Box>
          <Text>{item.text}</Text>
        </Box>
      );
    case 'assistant':
      return (
        <Box marginTop={1} flexDirection="column">
          <Markdown text={item.text} color={color} />
        </Box>
      );
    case 'thinking':
      return (
        <Box marginTop={1} flexDirection="column">
          <Text dimColor={color} italic={color}>
            {`thought: ${item.text}`}
          </Text>
        </Box>
      );
    case 'tool':
      return (
        <Text dimColor={color && !item.isError} color={color && item.isError ? 'red' : undefined}>
          {'  · '}
          {item.tool}: {item.summary}
        </Text>
      );
    case 'notice':
      return (
        <Text color={color ? (item.tone === 'error' ? 'red' : item.tone === 'warning' ? 'yellow' : 'gray') : undefined}>
          {item.tone === 'error' ? '✗ ' : item.tone === 'warning' ? '! ' : ''}
          {item.text}
        </Text>
      );
    case 'plan':
      return printedAbove ? (
        <PlanDecisionLine plan={item.proposal.plan} decision={item.decision} color={color} />
      ) : (
        <PlanCard proposal={item.proposal} tools={tools} color={color} decision={item.decision} />
      );
    case 'run':
      return (
        <Box flexDirection="column">
          <Text>
            <Text color={color ? RUN_TONES[item.status] : undefined} bold>
              {item.status === 'succeeded' ? '✓' : item.status === 'cancelled' ? '⊘' : '✗'} Run {item.runId} {item.status.replace('_', ' ')}
            </Text>
            {item.lines[0] ? <Text dimColor={color}> · {item.lines[0]}</Text> : null}
          </Text>
          {item.lines.slice(1).map((line, i) => (
            <Text key={i} color={color ? 'red' : undefined}>
              {'  '}
              {line}
            </Text>
          ))}
        </Box>
      );
    case 'reflection': {
      const { reflection } = item;
      return (
        <Box flexDirection="column" borderStyle="round" borderColor={color ? (reflection.success ? 'green' : 'red') : undefined} paddingX={1}>
          <Text bold>
            {reflection.success ? '✓' : '✗'} Reflection on run {item.runId}
            {item.fallback ? <Text dimColor={color}> (from the run record, not the model)</Text> : null}
          </Text>
          <Text>{reflection.summary}</Text>
          {reflection.issues.length ? <Text bold>Issues:</Text> : null}
          {reflection.issues.map((issue, i) => (
            <Text key={`i${i}`} color={color ? 'red' : undefined}>
              {'  • '}
              {issue}
            </Text>
          ))}
          {reflection.suggestions.length ? <Text bold>Next:</Text> : null}
          {reflection.suggestions.map((suggestion, i) => (
            <Text key={`s${i}`} color={color ? 'cyan' : undefined}>
              {'  → '}
              {suggestion}
            </Text>
          ))}
        </Box>
      );
    }
  }
});
