import type { ChatEngine } from './chat-engine.js';

/** The chat's engines, one per workspace its sessions work in, each started once, when first needed. */
export type ChatEngines = {
  /** The engine of this workspace, started now if it is not yet; a start that failed is tried again next time. */
  load(workspace: string): Promise<ChatEngine>;
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
  return {
    load(workspace) {
      let engine = started.get(workspace);
      if (!engine) {
        engine = start(workspace);
        started.set(workspace, engine);
        // Said where the switch was asked (a broken policy file there…): once fixed, the next switch starts it.
        engine.then(
          (ready) => {
            if (options.keep && !options.keep(ready)) started.delete(workspace);
          },
          () => started.delete(workspace),
        );
      }
      return engine;
    },
    unsaid(engine) {
      if (said.has(engine)) return [];
      said.add(engine);
      return engine.warnings;
    },
  };
}
