import type { CommandContext } from '../../cmdutil/context.js';
import { configWithoutWriting } from '../../cmdutil/config-without-writing.js';
import { engineFor } from '../../cmdutil/engine.js';
import { configFilePath } from '../../config/paths.js';
import { parseDuration } from '../../core/duration.js';
import type { DoctorReport } from '../../engine/types.js';
import { palette } from '../../terminal/colors.js';
import type { DoctorOptions } from './define.js';
import { doctorJson, doctorLines } from './report.js';

/**
 * `doctor`: the flags as client.doctor() options, its report printed (lines or --json), its
 * exit code. The config is read without conf, so doctor never creates or rewrites anything.
 */
export async function runDoctor(options: DoctorOptions, context: CommandContext): Promise<number> {
  const { io, env } = context;
  const timeout = parseDuration(options.timeout ?? '10s');
  // --offline checks this setup as for runs against the service, with the emulator in the service's place.
  const engine = await engineFor(context, { ...options, offline: false }, { config: configWithoutWriting(env), baseUrlWarnings: false });
  let report: DoctorReport;
  try {
    report = await engine.client.doctor({
      timeout,
      offline: options.offline === true,
      configFile: configFilePath(env),
      probeWithoutKey: true,
      baseUrlHint: 'check --base-url, SPARK_STYLE_BASE_URL or config base-url',
    });
  } finally {
    await engine.client.close();
  }
  if (options.json) io.print(doctorJson(report));
  else for (const line of doctorLines(report.checks, palette(io.colorEnabled && io.stdoutIsTTY))) io.print(line);
  return report.exitCode;
}
