// Every CLI command, in the order `p4lab --help` lists them.
import type { Command } from 'commander';

export function registerCommands(_program: Command): void {}
