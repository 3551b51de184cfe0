// The page panel's worker learns the user's chosen model from the background (Chrome's offscreen document has no
// storage): the message carries its name, validated like everything else in a message.
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../extension/messages.ts';

const base = { type: 'sd:offscreen-analyze', source: { kind: 'url', url: 'https://example.com/seven.png' }, prefs: { engine: 'auto', saliency: { method: 'gradient', steps: 16 } } };

describe('AnalyzePrefs.userModel', () => {
  it('is optional and, when present, a model name', () => {
    expect(parseMessage(base)).not.toBeNull();
    expect(parseMessage({ ...base, prefs: { ...base.prefs, userModel: 'my net' } })).not.toBeNull();
    for (const bad of ['', ' ', 'x'.repeat(65), 'a\u0000b', 42, null]) {
      expect(parseMessage({ ...base, prefs: { ...base.prefs, userModel: bad } })).toBeNull();
    }
  });
});
