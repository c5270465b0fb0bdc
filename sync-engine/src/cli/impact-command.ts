import { Command } from 'commander';
/** Placeholder: `sfo-compat impact` is being written. */
export function registerImpactCommand(program: Command, setCode: (code: number) => void): void {
  void program; void setCode;
}
