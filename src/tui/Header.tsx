import { Box, Text } from 'ink';

export type HeaderInfo = {
  readonly model: string;
  readonly endpoint: string;
  readonly workspace: string;
  /** Why the workspace is not simply the current folder (a continued session's own), or a warning about it. */
  readonly workspaceNote?: { readonly text: string; readonly tone: 'info' | 'warning' };
  readonly kubeContext?: string;
  readonly sessionId: string;
  readonly resumed: boolean;
};

export type Props = { readonly info: HeaderInfo; readonly color: boolean };

/**
 * Printed once at the top of the transcript: where the agent points and what it acts on. A
 * printed line cannot follow `/approve`: it gives the mode every session starts in and points
 * at the status line, which shows another while one is on.
 */
export function Header({ info, color }: Props) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color ? 'cyan' : undefined} paddingX={1}>
      <Text bold color={color ? 'cyan' : undefined}>
        KubeStack AI
      </Text>
      <Text>
        <Text dimColor={color}>model </Text>
        {info.model} <Text dimColor={color}>at</Text> {info.endpoint}
      </Text>
      <Text>
        <Text dimColor={color}>workspace </Text>
        {info.workspace}
        {info.kubeContext ? (
          <>
            <Text dimColor={color}> · kube context </Text>
            {info.kubeContext}
          </>
        ) : null}
      </Text>
      {info.workspaceNote ? (
        <Text color={color && info.workspaceNote.tone === 'warning' ? 'yellow' : undefined} dimColor={color && info.workspaceNote.tone === 'info'}>
          {info.workspaceNote.tone === 'warning' ? '! ' : '  '}
          {info.workspaceNote.text}
        </Text>
      ) : null}
      <Text>
        <Text dimColor={color}>approval mode </Text>
        ask<Text dimColor={color}> unless the status line says otherwise · /approve ask|read|write changes it</Text>
      </Text>
      <Text dimColor={color}>
        session {info.sessionId}
        {info.resumed ? ' (continued)' : ''} · /help for keys and commands · Ctrl-C twice quits
      </Text>
    </Box>
  );
}
