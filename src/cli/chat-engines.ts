import type { ChatSession } from '../agent/index.js';
import type { Conversation } from '../store/index.js';
import type { ChatEngine } from './chat-engine.js';

/** The chat's engines, one per workspace its sessions work in, each started once, when first needed. */
export type ChatEngines = {
  /** The engine of this workspace, started now if it is not yet; a start that failed is tried again next time. */
  load(workspace: string): Promise<ChatEngine>;
  /**
   * Opens the session the chat shows next with this engine, which becomes the chat's: an engine left by a switch
   * (another workspace's) is closed, its MCP servers stopped, once its sessions have closed (a run going ended).
   */
  open(engine: ChatEngine, conversation: Conversation): Promise<ChatSession>;
  /** The engine's warnings not said yet: the first session opened with it says them, the next ones do not. */
  unsaid(engine: ChatEngine): readonly string[];
};

/**
 * A session switched to (`/sessions <id>`) works in its own workspace, as `ksa chat --session <id>` does: that
 * folder's policy, MCP servers and facts go with it, not those of the folder the chat was started in.
 * `keep`: false for an engine to start again the next time it is needed (one whose servers wait for `ksa mcp trust`).
 */
export function chatEngines(start: (workspace: string) => Promise<ChatEngine>, options: { readonly keep?: (engine: ChatEngine) => boolean } = {}): ChatEngines {
  const started = new Map<string, Promise<ChatEngine>>();
  const said = new WeakSet<ChatEngine>();
  // Each started engine's workspace and open sessions; `current`, the engine of the session on screen.
  const engines = new Map<ChatEngine, { readonly workspace: string; readonly entry?: Promise<ChatEngine>; sessions: number }>();
  let current: ChatEngine | undefined;
  // One workspace's servers at a time: an engine no session uses, and not the chat's, stops (a switch back starts it again).
  const closeIdle = () => {
    for (const [engine, use] of engines) {
      if (engine === current || use.sessions > 0) continue;
      engines.delete(engine);
      if (use.entry && started.get(use.workspace) === use.entry) started.delete(use.workspace);
      void engine.close().catch(() => {});
    }
  };
  return {
    load(workspace) {
      let engine = started.get(workspace);
      if (!engine) {
        engine = start(workspace);
        started.set(workspace, engine);
        // Said where the switch was asked (a broken policy file there…): once fixed, the next switch starts it.
        engine.then(
          (ready) => {
            engines.set(ready, { workspace, entry: engine, sessions: 0 });
            if (options.keep && !options.keep(ready)) started.delete(workspace);
          },
          () => started.delete(workspace),
        );
      }
      return engine;
    },
    async open(engine, conversation) {
      const use = engines.get(engine) ?? { workspace: '', sessions: 0 };
      engines.set(engine, use);
      use.sessions += 1;
      let closed = false;
      const onClosed = () => {
        if (closed) return;
        closed = true;
        use.sessions -= 1;
        closeIdle();
      };
      try {
        const session = await engine.open(conversation, onClosed);
        current = engine;
        return session;
      } catch (error) {
        onClosed();
        throw error;
      }
    },
    unsaid(engine) {
      if (said.has(engine)) return [];
      said.add(engine);
      return engine.warnings;
    },
  };
}
