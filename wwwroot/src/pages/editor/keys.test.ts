import { describe, expect, it } from 'vitest';
import { keyCommand } from './keys';

const ev = (key: string, o: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, ...o });

describe('keyCommand', () => {
  it('KeyCommand_CtrlOrCmd_MapsCommands', () => {
    expect(keyCommand(ev('s', { ctrlKey: true }), true)).toBe('save');
    expect(keyCommand(ev('S', { metaKey: true }), false)).toBe('save');
    expect(keyCommand(ev('z', { ctrlKey: true }), false)).toBe('undo');
    expect(keyCommand(ev('Z', { ctrlKey: true, shiftKey: true }), false)).toBe('redo');
    expect(keyCommand(ev('y', { metaKey: true }), false)).toBe('redo');
    expect(keyCommand(ev('c', { ctrlKey: true }), false)).toBe('copy');
    expect(keyCommand(ev('v', { ctrlKey: true }), false)).toBe('paste');
  });

  it('KeyCommand_InTextFieldOrNoModifier_LeavesNativeBehaviour', () => {
    expect(keyCommand(ev('z', { ctrlKey: true }), true)).toBeNull();
    expect(keyCommand(ev('c', { ctrlKey: true }), true)).toBeNull();
    expect(keyCommand(ev('z'), false)).toBeNull();
  });
});
