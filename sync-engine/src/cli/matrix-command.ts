import { Command } from 'commander';
/** Placeholder: `sfo-compat matrix` is being written. */
export function registerMatrixCommand(program: Command, setCode: (code: number) => void): void {
  void program; void setCode;
}
