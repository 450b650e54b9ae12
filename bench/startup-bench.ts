import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConversationStore } from '../src/store/index.js';
import { KSA_COMMAND, KSA_FLAGS } from './ksa-argv.js';
import { buildStartupFloors } from './startup-floors.js';
import { median, round } from './stats.js';
import { benchMessages, timeFirstFrame } from './tui-bench.js';

/**
 * P9: how fast ksa starts, as ratios to `node -e 0` measured in the same
 * rounds (the floor of any Node CLI on this machine at this moment):
 * `ksa --help`, `ksa validate` of the example plan (validate from the startup
 * snapshot, as the ksa command, bin/ksa, starts it), the first frame of
 * `ksa chat` in a pseudo-terminal (its status line drawn, the input ready),
 * and the same for `ksa chat --continue` of a 1,000-message session; beside
 * them, the floors of validate and of a first frame with ksa's libraries
 * (startup-floors.ts). Each round runs every command once, in turn, so load on
 * the machine hits all alike.
 */

export type StartupFigures = {
  readonly rounds: number;
  readonly nodeMs: number;
  readonly helpMs: number;
  readonly validateMs: number;
  readonly chatFirstFrameMs: number;
  readonly continueFirstFrameMs: number;
  readonly helpRatio: number;
  readonly validateRatio: number;
  readonly chatFirstFrameRatio: number;
  /** The same for the least any validate does with commander, yaml, zod and CEL, and for an Ink app that draws two lines (bench/startup-floors.ts). */
  readonly validateFloorRatio: number;
  readonly chatFloorRatio: number;
  /** --continue of 1,000 messages ÷ a fresh chat. */
  readonly continueRatio: number;
};

const root = path.resolve(import.meta.dirname, '..', '..');

export async function measureStartup(rounds: number): Promise<StartupFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ksa-bench-startup-'));
  try {
    const workspace = path.join(dir, 'work');
    const freshHome = path.join(dir, 'home-fresh');
    const longHome = path.join(dir, 'home-long');
    await mkdir(workspace, { recursive: true });
    const store = new ConversationStore(longHome);
    const conversation = await store.create({ workspace });
    for (const message of benchMessages(1000)) conversation.append(message);
    await conversation.close();

    const floors = await buildStartupFloors(dir, KSA_FLAGS);
    const times = { node: [] as number[], help: [] as number[], validate: [] as number[], chat: [] as number[], resumed: [] as number[], validateFloor: [] as number[], chatFloor: [] as number[] };
    const plan = path.join(root, 'examples/deploy-local/plan.yaml');
    // One warm-up round: Node's compile cache and the file cache filled, as for a user's second start.
    for (let round = -1; round < rounds; round++) {
      const node = await timeProcess(['-e', '0']);
      // As a user types them: the ksa command (bin/ksa), which starts validate from the startup snapshot.
      const help = await timeProcess(['--help'], KSA_COMMAND);
      const validate = await timeProcess(['validate', plan], KSA_COMMAND);
      const chat = await timeFirstFrame(['chat'], freshHome, workspace);
      const resumed = await timeFirstFrame(['chat', '--continue'], longHome, workspace);
      const validateFloor = await timeProcess([...floors.validate, 'validate', plan]);
      const chatFloor = await timeFirstFrame([], freshHome, workspace, floors.chat, process.execPath);
      if (round < 0) continue;
      times.validateFloor.push(validateFloor);
      times.chatFloor.push(chatFloor);
      times.node.push(node);
      times.help.push(help);
      times.validate.push(validate);
      times.chat.push(chat);
      times.resumed.push(resumed);
    }
    const nodeMs = median(times.node);
    const helpMs = median(times.help);
    const validateMs = median(times.validate);
    const chatFirstFrameMs = median(times.chat);
    const continueFirstFrameMs = median(times.resumed);
    return {
      rounds,
      nodeMs: round(nodeMs, 1),
      helpMs: round(helpMs, 1),
      validateMs: round(validateMs, 1),
      chatFirstFrameMs: round(chatFirstFrameMs, 1),
      continueFirstFrameMs: round(continueFirstFrameMs, 1),
      helpRatio: round(helpMs / nodeMs, 2),
      validateRatio: round(validateMs / nodeMs, 2),
      chatFirstFrameRatio: round(chatFirstFrameMs / nodeMs, 2),
      continueRatio: round(continueFirstFrameMs / chatFirstFrameMs, 2),
      validateFloorRatio: round(median(times.validateFloor) / nodeMs, 2),
      chatFloorRatio: round(median(times.chatFloor) / nodeMs, 2),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Spawn to exit of `file …args` (by default the Node running the bench), in ms. */
export function timeProcess(args: readonly string[], file = process.execPath): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_ENV;
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(file, [...args], { cwd: root, env }, (error) => (error ? reject(new Error(`${path.basename(file)} ${args.join(' ')} failed: ${error.message}`)) : resolve(performance.now() - started))),
  );
}
