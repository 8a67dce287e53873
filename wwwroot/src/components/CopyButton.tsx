import { useState } from 'react';

/** Copies text to the clipboard and says so for a moment; falls back to a prompt where the clipboard is unavailable. */
export function CopyButton({ text, label = 'Copy', testId }: { text: string; label?: string; testId?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // An insecure origin (plain http on a LAN address) has no clipboard API: let the person copy by hand.
      window.prompt('Copy this:', text);
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return <button type="button" onClick={() => void copy()} data-testid={testId}>{done ? 'Copied' : label}</button>;
}
