import { Command } from 'commander';
/** Placeholder: `sfo-compat mailbox serve` is being written. */
export function registerMailboxCommand(program: Command, setCode: (code: number) => void): void {
  void program; void setCode;
}
