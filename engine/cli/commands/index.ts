import type { Command } from '../command';
import { doctorCommand } from './doctor';
import { serveCommand } from './serve';

/** Every `vlm` subcommand, in the order `vlm --help` lists them. */
export const commands: Command[] = [doctorCommand, serveCommand];
