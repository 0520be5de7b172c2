import type { Command } from '../command';
import { doctorCommand } from './doctor';

/** Every `vlm` subcommand, in the order `vlm --help` lists them. */
export const commands: Command[] = [doctorCommand];
