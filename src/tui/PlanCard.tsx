import { Box, Text } from 'ink';
import { memo, useContext } from 'react';
import type { PlanDecision, ProposedPlan } from '../agent/index.js';
import type { Plan } from '../planning/schema.js';
import { formatPlan, type ToolDescriber } from './plan-lines.js';
import { createStyler } from './style.js';
import { visible } from './visible-text.js';
import { usePlanRisk, usePlanShellKube } from './use-plan-risk.js';
import { usePlanWorkers } from './use-plan-workers.js';
import { ShownSecrets, usePlanHiding } from './shown-secrets.js';

export type Props = {
  readonly proposal: ProposedPlan;
  readonly tools: ToolDescriber;
  readonly color: boolean;
  /** Set once the user decided; a pending card shows the approval keys instead. */
  readonly decision?: PlanDecision;
  /** A run goes on meanwhile: the card says that y waits for its end (said only in a notice, that scrolls away under a tall card). */
  readonly runInProgress?: boolean;
  /** Why ask rules hold this plan for a y/n whatever the approval mode, one line per step (rule and file:line). */
  readonly held?: readonly string[];
};

const DECISIONS = {
  approved: { text: '✓ approved', tone: 'green' },
  rejected: { text: '✗ rejected', tone: 'red' },
  edited: { text: '✎ replaced by your edit', tone: 'yellow' },
  superseded: { text: '↻ replaced by a revision', tone: 'gray' },
  undecided: { text: '· not run (the conversation moved on)', tone: 'gray' },
} as const;

/** The plan as the user approves it: numbered steps, dependencies, exact commands, retries, rollbacks, each step's risk level and why. */
export const PlanCard = memo(function PlanCard({ proposal, tools, color, decision, runInProgress, held }: Props) {
  const risk = usePlanRisk(proposal.plan, tools);
  const shellKube = usePlanShellKube(proposal.plan, tools);
  const redactor = useContext(ShownSecrets);
  const hide = usePlanHiding(proposal.plan);
  const lines = formatPlan(proposal.plan, tools, createStyler(color), { risk, shellKube, redactor });
  const workers = usePlanWorkers(proposal.plan, tools, decision === undefined && !proposal.runsHere);
  const border = decision === undefined ? 'cyan' : 'gray';
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color ? border : undefined} paddingX={1} marginY={0}>
      {lines.map((line, i) => (
        // An empty Text has no height in Ink: a space keeps the blank line.
        <Text key={i}>{line || ' '}</Text>
      ))}
      {workers && workers.lines.length + workers.warnings.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Where the steps run (workers):</Text>
          {workers.lines.map((line, i) => (
            <Text key={i} dimColor={color}>
              {'  '}
              {line}
            </Text>
          ))}
          {workers.warnings.map((warning, i) => (
            <Text key={`w${i}`} color={color ? 'yellow' : undefined}>
              {'  ! '}
              {warning}
            </Text>
          ))}
        </Box>
      ) : null}
      {proposal.changes ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>What changed:</Text>
          {proposal.changes.split('\n').map((line, i) => (
            <Text key={i} color={color ? (line.startsWith('+') ? 'green' : line.startsWith('-') ? 'red' : 'yellow') : undefined}>
              {'  '}
              {line}
            </Text>
          ))}
        </Box>
      ) : null}
      {decision === undefined && held && held.length > 0 ? <HeldReasons reasons={held.map(hide)} color={color} /> : null}
      {decision === undefined ? (
        <Box marginTop={1}>
          <ApprovalKeys color={color} runInProgress={runInProgress} />
        </Box>
      ) : (
        <Text color={color ? DECISIONS[decision].tone : undefined}>{DECISIONS[decision].text}</Text>
      )}
    </Box>
  );
});

/** Why ask rules hold a waiting plan: it asks in every approval mode, and this says which rule (file:line) holds which step. */
export function HeldReasons({ reasons, color }: { readonly reasons: readonly string[]; readonly color: boolean }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>Held for your y/n in every approval mode:</Text>
      {reasons.map((reason, i) => (
        <Text key={i} color={color ? 'yellow' : undefined}>
          {'  ! '}
          {visible(reason)}
        </Text>
      ))}
    </Box>
  );
}

/** What the user may answer to a plan that waits. */
export function ApprovalKeys({ color, runInProgress }: { readonly color: boolean; readonly runInProgress?: boolean }) {
  const approve = runInProgress ? (
    <Text color={color ? 'yellow' : undefined}>a run is in progress: approve (<Text bold>y</Text>) once it ends, or Esc cancels it</Text>
  ) : (
    <>
      <Text bold color={color ? 'green' : undefined}>y</Text>/Enter run it
    </>
  );
  return (
    <Text>
      {approve} · <Text bold color={color ? 'red' : undefined}>n</Text> reject · <Text bold color={color ? 'yellow' : undefined}>e</Text> edit in $EDITOR · or type what to change
    </Text>
  );
}

/** The decision on a plan whose card is already in the transcript above. */
export function PlanDecisionLine({ plan, decision, color }: { readonly plan: Pick<Plan, 'goal' | 'inputs'>; readonly decision: PlanDecision; readonly color: boolean }) {
  const hide = usePlanHiding(plan);
  return (
    <Text color={color ? DECISIONS[decision].tone : undefined}>
      {DECISIONS[decision].text}: the plan above ({visible(hide(plan.goal))})
    </Text>
  );
}
