// The `gibbon` command line: dispatches sub-commands, turns every GibbonError into one clear line on
// stderr and an exit status (never a stack trace for bad input).
import { GibbonError, type ErrorCode } from '../util/errors.ts';
import { fileSystemError } from '../node/fs-errors.ts';
import { joinNegativeValues } from './flags.ts';
import { runSimulate, SIMULATE_HELP } from './simulate.ts';
import { runDataset, DATASET_HELP } from './dataset.ts';
import { runPimCommand, PIM_HELP } from './pim.ts';
import { runSupernetCommand, SUPERNET_HELP } from './supernet.ts';
import { runAccuracyCommand, ACCURACY_HELP } from './accuracy.ts';
import { runSearchCommand, SEARCH_HELP } from './search.ts';
import { runPredictorCommand, PREDICTOR_HELP } from './predictor.ts';
import { runReportCommand, REPORT_HELP } from './report.ts';
import { runServeCommand, SERVE_HELP } from './serve.ts';
import { runWorkerCommand, WORKER_HELP } from './worker.ts';

interface Command {
  run: (argv: string[], print: (s: string) => void) => Promise<unknown>;
  help: string;
  /** One line for `gibbon --help`. */
  summary: string;
}

/** Every sub-command: dispatch, `gibbon --help` and the help shown after a flag error come from here. */
const COMMANDS: Record<string, Command> = {
  simulate: { run: runSimulate, help: SIMULATE_HELP, summary: 'behavior-level PIM hardware simulation of a network' },
  dataset: { run: runDataset, help: DATASET_HELP, summary: 'load a dataset and show its train / validation / test splits' },
  pim: { run: runPimCommand, help: PIM_HELP, summary: 'accuracy of a quantized model on PIM crossbars, ADCs and faulty devices' },
  supernet: { run: runSupernetCommand, help: SUPERNET_HELP, summary: 'train the weight-sharing supernet of a space: gibbon supernet train' },
  accuracy: { run: runAccuracyCommand, help: ACCURACY_HELP, summary: 'float, quantized and PIM accuracy of a candidate from a supernet' },
  search: { run: runSearchCommand, help: SEARCH_HELP, summary: 'co-explore networks and PIM hardware of a space: Pareto front of accuracy and cost' },
  predictor: { run: runPredictorCommand, help: PREDICTOR_HELP, summary: 'train and evaluate the RNN predictor of accuracy loss and hardware cost' },
  report: { run: runReportCommand, help: REPORT_HELP, summary: 'one self-contained HTML page of a search run: plots, front, per-layer hardware' },
  serve: { run: runServeCommand, help: SERVE_HELP, summary: 'the browser app on 127.0.0.1: simulate panel and run viewer in a tab' },
  worker: { run: runWorkerCommand, help: WORKER_HELP, summary: 'evaluate the candidates of searches run with --redis, on this machine' },
};

const HELP = `gibbon <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary} (gibbon ${name} --help)`).join('\n')}

Run 'gibbon <command> --help' for its options.
`;

const EXIT_CODES: Record<ErrorCode, number> = {
  E_OPTION: 2, E_FILE: 3, E_ARCH: 4, E_NETWORK: 4, E_SPACE: 4, E_DATASET: 5, E_MODEL: 5, E_QUEUE: 6, E_KERNEL: 70, E_ABORTED: 130,
};

const print = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') { print(HELP); return command === undefined ? 2 : 0; }
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (entry === undefined) throw new GibbonError('E_OPTION', `unknown command ${JSON.stringify(command)}; allowed: ${Object.keys(COMMANDS).join(', ')}`);
  await entry.run(rest, print);
  return 0;
}

function isArgError(e: unknown): e is Error & { code: string } {
  return e instanceof Error && typeof (e as unknown as { code?: unknown }).code === 'string' && (e as unknown as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}

main(joinNegativeValues(process.argv.slice(2))).then(
  (code) => { process.exitCode = code; },
  (failure: unknown) => {
    const e = fileSystemError(failure) ?? failure;
    if (e instanceof GibbonError) {
      process.stderr.write(`gibbon: ${e.message}\n`);
      process.exitCode = EXIT_CODES[e.code];
    } else if (isArgError(e)) {
      const help = (Object.hasOwn(COMMANDS, process.argv[2]) ? COMMANDS[process.argv[2]] : COMMANDS.simulate).help;
      process.stderr.write(`gibbon: ${e.message}\n${help}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`gibbon: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
