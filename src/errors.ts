import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** Base of every error the user is meant to read. Anything else reaching main is a bug. */
export class ValidateError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.USAGE;
}

/** Bad flags or arguments on the command line. */
export class UsageError extends ValidateError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One located problem in a config file. */
export interface ConfigIssue {
  file: string;
  line?: number;
  column?: number;
  /** Field path, e.g. `targets[3].url`. */
  path: string;
  message: string;
}

/** The config is invalid; carries every problem found, not just the first. */
export class ConfigError extends ValidateError {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

/** A report file could not be written. The run itself happened; its verdict is in the message. */
export class OutputError extends ValidateError {
  constructor(
    readonly failures: string[],
    verdict: string,
  ) {
    super(
      `the run finished (${verdict}) but ${failures.length === 1 ? 'a report file' : 'report files'} could not be written: ${failures.join('; ')}`,
    );
    this.name = 'OutputError';
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file;
  const path = issue.path ? ` ${issue.path}:` : '';
  return `${where}:${path} ${issue.message}`;
}
