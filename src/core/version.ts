// Replaced at build time (build.mjs defines it from package.json); the fallback serves tests run from source.
declare const SPARK_STYLE_VERSION: string | undefined;

export const TOOL_VERSION = typeof SPARK_STYLE_VERSION === 'string' ? SPARK_STYLE_VERSION : '0.0.0-dev';
