import type { Command } from '../command';
import { analyzeCommand } from './analyze';
import { askCommand } from './ask';
import { benchCommand } from './bench';
import { doctorCommand } from './doctor';
import { mcpCommand } from './mcp';
import { modelCommand } from './model';
import { serveCommand } from './serve';
import { timelineCommand } from './timeline';

/** Every `vlm` subcommand, in the order `vlm --help` lists them. */
export const commands: Command[] = [
  analyzeCommand,
  askCommand,
  benchCommand,
  doctorCommand,
  mcpCommand,
  modelCommand,
  serveCommand,
  timelineCommand,
];
