import type { Command } from '../command';
import { askCommand } from './ask';
import { benchCommand } from './bench';
import { doctorCommand } from './doctor';
import { modelCommand } from './model';
import { serveCommand } from './serve';

/** Every `vlm` subcommand, in the order `vlm --help` lists them. */
export const commands: Command[] = [
  askCommand,
  benchCommand,
  doctorCommand,
  modelCommand,
  serveCommand,
];
