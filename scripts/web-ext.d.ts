/** The part of web-ext's programmatic API we use (it ships no types). */
declare module 'web-ext' {
  interface BuildParams {
    sourceDir: string;
    artifactsDir: string;
    filename?: string;
    overwriteDest?: boolean;
  }
  interface LintParams {
    sourceDir: string;
    output?: 'text' | 'json';
    warningsAsErrors?: boolean;
  }
  const webExt: {
    cmd: {
      build(params: BuildParams, options?: { showReadyMessage?: boolean }): Promise<{ extensionPath: string }>;
      lint(params: LintParams, options?: { shouldExitProgram?: boolean }): Promise<unknown>;
    };
  };
  export default webExt;
}
