// The `gibbon` command line: dispatches sub-commands, turns every GibbonError into one clear line on
// stderr and an exit status (never a stack trace for bad input).
import { GibbonError, type ErrorCode } from '../util/errors.ts';
import { runSimulate, SIMULATE_HELP } from './simulate.ts';
import { runDataset, DATASET_HELP } from './dataset.ts';
import { runPimCommand, PIM_HELP } from './pim.ts';
import { runSupernetCommand, SUPERNET_HELP } from './supernet.ts';
import { runAccuracyCommand, ACCURACY_HELP } from './accuracy.ts';
import { runSearchCommand, SEARCH_HELP } from './search.ts';
import { runPredictorCommand, PREDICTOR_HELP } from './predictor.ts';
import { runReportCommand, REPORT_HELP } from './report.ts';
import { runWorkerCommand, WORKER_HELP } from './worker.ts';

const HELP = `gibbon <command> [options]

Commands:
  simulate   behavior-level PIM hardware simulation of a network (gibbon simulate --help)
  dataset    load a dataset and show its train / validation / test splits (gibbon dataset --help)
  pim        accuracy of a quantized model on PIM crossbars, ADCs and faulty devices (gibbon pim --help)
  supernet   train the weight-sharing supernet of a space: gibbon supernet train (gibbon supernet --help)
  accuracy   float, quantized and PIM accuracy of a candidate from a supernet (gibbon accuracy --help)
  search     co-explore networks and PIM hardware of a space: Pareto front of accuracy and cost (gibbon search --help)
  predictor  train and evaluate the RNN predictor of accuracy loss and hardware cost (gibbon predictor --help)
  report     one self-contained HTML page of a search run: plots, front, per-layer hardware (gibbon report --help)
  worker     evaluate the candidates of searches run with --redis, on this machine (gibbon worker --help)

Run 'gibbon <command> --help' for its options.
`;

const EXIT_CODES: Record<ErrorCode, number> = {
  E_OPTION: 2, E_FILE: 3, E_ARCH: 4, E_NETWORK: 4, E_SPACE: 4, E_DATASET: 5, E_MODEL: 5, E_QUEUE: 6, E_KERNEL: 70,
};

const print = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'simulate': await runSimulate(rest, print); return 0;
    case 'dataset': await runDataset(rest, print); return 0;
    case 'pim': await runPimCommand(rest, print); return 0;
    case 'supernet': await runSupernetCommand(rest, print); return 0;
    case 'accuracy': await runAccuracyCommand(rest, print); return 0;
    case 'search': await runSearchCommand(rest, print); return 0;
    case 'predictor': await runPredictorCommand(rest, print); return 0;
    case 'report': await runReportCommand(rest, print); return 0;
    case 'worker': await runWorkerCommand(rest, print); return 0;
    case undefined: case '--help': case '-h': case 'help': print(HELP); return command === undefined ? 2 : 0;
    default:
      throw new GibbonError('E_OPTION', `unknown command ${JSON.stringify(command)}; allowed: simulate, dataset, pim, supernet, accuracy, search, predictor, report, worker`);
  }
}

function isArgError(e: unknown): e is Error & { code: string } {
  return e instanceof Error && typeof (e as unknown as { code?: unknown }).code === 'string' && (e as unknown as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof GibbonError) {
      process.stderr.write(`gibbon: ${e.message}\n`);
      process.exitCode = EXIT_CODES[e.code];
    } else if (isArgError(e)) {
      const helps: Record<string, string> = { dataset: DATASET_HELP, pim: PIM_HELP, supernet: SUPERNET_HELP, accuracy: ACCURACY_HELP, search: SEARCH_HELP, predictor: PREDICTOR_HELP, report: REPORT_HELP, worker: WORKER_HELP };
      const help = helps[process.argv[2]] ?? SIMULATE_HELP;
      process.stderr.write(`gibbon: ${e.message}\n${help}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`gibbon: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
