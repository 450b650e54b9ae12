import { hidePrivateKeys, privateKeyArmour } from './credential-shapes.js';
import type { InvokeTool, OutputStream } from './tool-call.js';

/**
 * What a tool prints a line at a time (`cat id_rsa`, a secret decoded by `base64 -d`) shows a private key's body on
 * lines of bare base64, with no shape of their own: only the header says what follows. So each stream remembers a
 * key it opened, and every line up to its footer is `mask`, the footer's too; one never closed stays masked to the
 * stream's end. A line that opens none has its keys masked (header to footer, or to the line's end).
 */
export function privateKeyLineMasker(mask: string): (line: string, stream: OutputStream) => string {
  const inKey = { stdout: false, stderr: false };
  return (line, stream) => {
    const opened = inKey[stream];
    for (const mark of privateKeyArmour(line)) inKey[stream] = mark === 'BEGIN';
    return opened ? mask : hidePrivateKeys(line, mask);
  };
}

/** Every call's output lines with the private keys it prints masked: a call is one attempt, so it starts with none open. */
export function maskingPrivateKeyLines(invoke: InvokeTool, mask: string): InvokeTool {
  return (call) => {
    const masked = privateKeyLineMasker(mask);
    return invoke({ ...call, onOutput: (line, stream) => call.onOutput(masked(line, stream), stream) });
  };
}
