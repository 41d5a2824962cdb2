// A worker's refusal of a job: what it was given does not match what the job names (package version,
// content hashes, a dataset this machine cannot load). The worker reports it in one line and leaves the
// queue, so the job goes back to the others instead of being computed with the wrong inputs.
export class Refusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Refusal';
  }
}
